#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript / spark.worker.resource.gpu.discoveryScript):
# prints {"name":"gpu","addresses":["0","1",...]} for the GPUs nvidia-smi sees; no GPU gives an empty list.
set -euo pipefail
if command -v nvidia-smi >/dev/null 2>&1; then
  ids=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' | sed 's/.*/"&"/' | paste -sd, -)
else
  ids=""
fi
echo "{\"name\":\"gpu\",\"addresses\":[${ids}]}"
