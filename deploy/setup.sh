#!/bin/sh
# One-shot setup of a callqa installation (compose service `setup`, or by hand on any
# machine with callqa installed; safe to run again):
#   1. check the configuration, 2. migrate the database, 3. create the Prefect work pool
#   `callqa` and its queues with their concurrency limits, and register the deployments
#   of prefect.yaml (`callqa deploy`).
# Needs PREFECT_API_URL (the Prefect server) and the CALLQA_ settings of the workers.
set -eu

callqa config check --service all
callqa db upgrade
# default: the sweep, the event watcher, rescore and retention; light, a few at once.
# cpu: transcription drains, one per CPU worker. gpu: the same on GPU workers.
callqa deploy --pool "${CALLQA_POOL:-callqa}" \
  --default-limit "${CALLQA_SCHEDULER_RUNS:-4}" \
  --cpu-limit "${CALLQA_WORKERS:-2}" \
  --gpu-limit "${CALLQA_GPU_WORKERS:-1}"
echo "callqa: database migrated, work pool ready, deployments registered"
