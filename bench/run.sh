#!/usr/bin/env bash
# Side-by-side benchmark: sparksweep's trial runner and sweep engine against the tutorial's PyTorch
# program (bench/anchors/seed_torch.py; ANCHOR=FILE uses another copy) on this machine. Prints a table;
# writes bench/results.json. docs/performance.md describes the figures.
#   bench/run.sh               # 3 runs of each figure (median, min, max)
#   RUNS=1 bench/run.sh        # quicker
#   bench/run.sh --sweep-only --sweep-epochs 3   # the 4-trial sweep alone, 3 epochs per trial
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
anchor="${ANCHOR:-$here/bench/anchors/seed_torch.py}"

# PyTorch with Debian's OpenMP OpenBLAS, the fastest setting here (see bench/anchors/README.md).
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing python3-torch, python3-numpy and libopenblas0-openmp with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy libopenblas0-openmp >/dev/null || true
  fi
fi
torch=1
if [ ! -f "$anchor" ]; then
  echo "bench: $anchor is missing: the PyTorch half is skipped. The tutorial's PyTorch program ships in the" >&2
  echo "bench:   repository as bench/anchors/seed_torch.py (see bench/anchors/README.md); ANCHOR=FILE points to another copy" >&2
  torch=0
elif ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  echo "bench: PyTorch is missing (apt-get install -y python3-torch python3-numpy libopenblas0-openmp): the PyTorch half is skipped" >&2
  torch=0
fi

# Build the jar once, outside the timings.
"$here/sparksweep" --version >/dev/null
exec /usr/bin/python3 "$here/bench/bench.py" --root "$here" --anchor "$anchor" --torch "$torch" --runs "${RUNS:-3}" "$@"
