#!/usr/bin/env bash
# Side-by-side benchmark: sparksweep's trial runner and sweep engine against the tutorial's PyTorch
# program (../shared/anchors/seed_torch.py) on this machine. Prints a table; writes bench/results.json.
#   bench/run.sh               # 3 runs of each figure (median, min, max)
#   RUNS=1 bench/run.sh        # quicker
#   bench/run.sh --sweep-only --sweep-epochs 3   # the 4-trial sweep alone, 3 epochs per trial
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchor="${ANCHOR:-$here/../shared/anchors/seed_torch.py}"

# PyTorch with Debian's OpenMP OpenBLAS, the fastest setting here (see ../shared/anchors/README.md).
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing python3-torch, python3-numpy and libopenblas0-openmp with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy libopenblas0-openmp >/dev/null || true
  fi
fi
torch=1
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null || [ ! -f "$anchor" ]; then
  echo "bench: PyTorch (python3-torch) or $anchor is missing: the PyTorch half is skipped" >&2
  torch=0
fi

# Build the jar once, outside the timings.
"$here/sparksweep" --version >/dev/null
exec /usr/bin/python3 "$here/bench/bench.py" --root "$here" --anchor "$anchor" --torch "$torch" --runs "${RUNS:-3}" "$@"
