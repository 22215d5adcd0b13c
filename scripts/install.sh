#!/usr/bin/env bash
# Install callqa into the current Python.
#   bash scripts/install.sh          the package and the offline models (enough for `callqa demo`)
#   bash scripts/install.sh test     + pyannote (mono diarisation), test tools, espeak-ng/sox/ffmpeg,
#                                      chromium (the web UI test drives /usr/bin/chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
what=${1:-run}

quiet() { "$@" > /tmp/callqa-install.log 2>&1 || { cat /tmp/callqa-install.log; return 1; }; }

if [ "$what" = "test" ]; then
  need=""
  for tool in espeak-ng sox ffmpeg; do command -v "$tool" >/dev/null || need="$need $tool"; done
  # Playwright drives Debian's chromium; never `playwright install` (no browser downloads).
  [ -x /usr/bin/chromium ] || need="$need chromium chromium-driver"
  if [ -n "$need" ]; then
    echo "installing Debian packages:$need"
    if [ "$(id -u)" = 0 ]; then
      quiet apt-get update -qq
      quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need
    else
      echo "run as root or install them yourself: apt-get install$need" >&2; exit 1
    fi
  fi
  # torch first, pinned: anything looser pulls a multi-GB CUDA build.
  echo "installing torch 2.13.0 (CPU) and callqa[diarization,test]"
  quiet "$PY" -m pip install --disable-pip-version-check torch==2.13.0
  quiet "$PY" -m pip install --disable-pip-version-check -e ".[diarization,test]"
  # PyPI's torchaudio Linux wheels link CUDA and fail to import beside CPU torch; without
  # their compiled extensions torchaudio falls back to pure Python, all pyannote needs.
  ta=$("$PY" -c "import importlib.util,os;print(os.path.dirname(importlib.util.find_spec('torchaudio').origin))")
  rm -f "$ta"/lib/*.so
  "$PY" -c "import pyannote.audio" || { echo "pyannote.audio does not import" >&2; exit 1; }
  # The PostgreSQL integration tests use the local server (python-svc machines run one):
  # start it if it is down, and stop here, saying how, if it still does not answer.
  if [ -z "${CALLQA_TEST_POSTGRES:-}" ] && ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
    fi
    if ! pg_isready -q -h 127.0.0.1 2>/dev/null; then
      echo "PostgreSQL does not answer on 127.0.0.1:5432; the tests need it. Start it" >&2
      echo "(pg_ctlcluster <version> main start, or: sudo systemctl start postgresql)" >&2
      echo "or set CALLQA_TEST_POSTGRES=postgresql+psycopg://USER@HOST:PORT, then run this again." >&2
      exit 1
    fi
  fi
else
  echo "installing torch 2.13.0 (CPU) and callqa"
  quiet "$PY" -m pip install --disable-pip-version-check torch==2.13.0
  quiet "$PY" -m pip install --disable-pip-version-check -e .
fi
command -v pyenv >/dev/null && pyenv rehash || true
echo "callqa installed: $(command -v callqa || echo "$PY -m api")"
