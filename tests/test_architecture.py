"""The layers are kept by a machine: ``lint-imports`` checks the contracts in pyproject.toml
(``[tool.importlinter]``: imports only point down api -> flows -> scoring -> pipeline;
pipeline/ and scoring/ import no Prefect or FastAPI; no import cycle inside a package).

The tree passes, and a copy of it with one deliberately wrong import fails, naming it:
so the check can fail, and it reads function-level (lazy) imports too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGES = CONFIG["tool"]["importlinter"]["root_packages"]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = (shutil.which("lint-imports", path=str(Path(sys.executable).parent))
           or shutil.which("lint-imports"))
    assert exe, "lint-imports is part of the test install: pip install -e '.[test]'"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([exe, "--no-cache", "--no-logo"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout, result.stdout


def test_every_product_package_is_in_the_layers() -> None:
    """A new top-level package is shipped only once it has its place in the layers."""
    shipped = {p.rstrip("*") for p in CONFIG["tool"]["setuptools"]["packages"]["find"]["include"]}
    contracts = {c["id"]: c for c in CONFIG["tool"]["importlinter"]["contracts"]}
    assert shipped == set(PACKAGES) == set(contracts["layers"]["layers"])
    assert set(contracts["acyclic"]["ancestors"]) == set(PACKAGES)


def _python_only(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n == "__pycache__"
            or (not n.endswith(".py") and not (Path(folder) / n).is_dir())}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the product packages' Python files and of pyproject.toml."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=_python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


CONTRACTS = {c["id"]: c["name"] for c in CONFIG["tool"]["importlinter"]["contracts"]}

# (file in the copy, code added to it, the contract it breaks, what the report names)
WRONG_IMPORTS = {
    "upward": ("pipeline/upward.py",
               "def app():\n    from api.app import create_app\n\n    return create_app()\n",
               "layers", "pipeline.upward -> api.app"),
    "prefect-in-scoring": ("scoring/orchestrated.py", "import prefect\n",
                           "libraries", "scoring.orchestrated -> prefect"),
    "cycle": ("pipeline/db/text_index.py",
              "\n\ndef utterance_ids():\n    from pipeline.db.models import UtteranceRecord\n\n"
              "    return UtteranceRecord.id\n",
              "acyclic", "No cycles are allowed in pipeline.db"),
}


@pytest.mark.parametrize("case", WRONG_IMPORTS)
def test_a_wrong_import_breaks_its_contract(tree: Path, case: str) -> None:
    path, code, contract, named = WRONG_IMPORTS[case]
    with (tree / path).open("a", encoding="utf-8") as f:
        f.write(code)
    result = lint_imports(tree)
    assert result.returncode != 0, result.stdout
    assert f"{CONTRACTS[contract]} BROKEN" in result.stdout, result.stdout
    assert named in result.stdout.split("Broken contracts")[-1], result.stdout
    if case == "cycle":  # the lazy import is what closes the cycle
        assert "text_index" in result.stdout.split(named)[-1], result.stdout
