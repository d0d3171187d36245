#!/usr/bin/python3
"""The figures of bench/run.sh: single-trial training speed and sweep throughput, sparksweep vs PyTorch."""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

p = argparse.ArgumentParser()
p.add_argument("--root", required=True)
p.add_argument("--anchor", required=True)
p.add_argument("--torch", type=int, default=1)
p.add_argument("--runs", type=int, default=3)
args = p.parse_args()
launcher = os.path.join(args.root, "sparksweep")

# Networks and how much of an epoch each is timed over (the same images for both engines).
MODELS = [("mlp", 0), ("deep_mlp", 19200), ("cnn", 6400)]
THREADS = [1, 2]


def json_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.startswith("{")]


def run(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit("bench: %s failed (%d):\n%s%s" % (" ".join(cmd), out.returncode, out.stdout[-3000:], out.stderr[-3000:]))
    return out.stdout


def stats(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def sparksweep_trial(model, images, threads):
    cmd = [launcher, "bench", "--model", model, "--threads", str(threads)]
    if images:
        cmd += ["--train-images", str(images)]
    return json_lines(run(cmd))[-1]


def torch_trial(model, images, threads):
    cmd = ["/usr/bin/python3", args.anchor, "--model", model, "--epochs", "1", "--threads", str(threads)]
    if images:
        cmd += ["--max-batches", str(images // 64)]
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    lines = json_lines(run(cmd, env))
    return [l for l in lines if "epoch" in l and "train_seconds" in l][-1], lines[0].get("blas", {})


SWEEP = """name: bench-sweep
seed: 1
training: {epochs: 1}
search:
  architecture: [mlp]
  optimizer: [{type: momentum, momentum: 0.9}]
  learning_rate: [0.1, 0.05, 0.02, 0.01]
  batch_size: [64]
"""


def sparksweep_sweep():
    d = tempfile.mkdtemp()
    sweep = os.path.join(d, "sweep.yaml")
    with open(sweep, "w") as f:
        f.write(SWEEP)
    t0 = time.perf_counter()
    out = run([launcher, "run", sweep, "--output", os.path.join(d, "out"), "--keep-models", "0"])
    wall = time.perf_counter() - t0
    inner = float(re.search(r"in ([0-9.]+) s, (\d+) at a time", out).group(1))
    shutil.rmtree(d)
    return wall, inner


def torch_sweep():
    """The same 4 trials as a PyTorch user runs them here: 2 processes at a time, 1 thread each."""
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    t0 = time.perf_counter()
    procs = []
    pending = [0.1, 0.05, 0.02, 0.01]
    while pending or procs:
        while pending and len(procs) < 2:
            lr = pending.pop(0)
            procs.append(subprocess.Popen(["/usr/bin/python3", args.anchor, "--model", "mlp", "--epochs", "1",
                                           "--threads", "1", "--lr", str(lr)], stdout=subprocess.DEVNULL, env=env))
        time.sleep(0.05)
        for pr in list(procs):
            if pr.poll() is not None:
                if pr.returncode != 0:
                    sys.exit("bench: a PyTorch trial failed")
                procs.remove(pr)
    return time.perf_counter() - t0


machine = {
    "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
    "cores": os.cpu_count(),
    "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset"),
    "date": time.strftime("%Y-%m-%d"),
}
results = {"machine": machine, "trials": [], "sweep": {}}
print("machine: %(cpu)s, %(cores)d cores, OPENBLAS_CORETYPE=%(OPENBLAS_CORETYPE)s, %(date)s" % machine, flush=True)

for model, images in MODELS:
    for threads in THREADS:
        row = {"model": model, "threads": threads, "train_images": images or 60000}
        ss = [sparksweep_trial(model, images, threads) for _ in range(args.runs)]
        row["sparksweep_sps"] = stats([x["samples_per_second"] for x in ss])
        row["sparksweep_acc"] = stats([x["test_accuracy"] for x in ss])
        if args.torch:
            tt = [torch_trial(model, images, threads) for _ in range(args.runs)]
            row["torch_sps"] = stats([x[0]["samples_per_second"] for x in tt])
            row["torch_acc"] = stats([x[0]["test_accuracy"] for x in tt])
            row["torch_blas"] = tt[0][1].get("openblas_core", "?") + " " + " ".join(tt[0][1].get("libs", []))
        results["trials"].append(row)
        print(json.dumps(row), flush=True)

sw = [sparksweep_sweep() for _ in range(args.runs)]
results["sweep"]["sparksweep_wall"] = stats([w for w, _ in sw])
results["sweep"]["sparksweep_inner"] = stats([i for _, i in sw])
if args.torch:
    results["sweep"]["torch_wall"] = stats([torch_sweep() for _ in range(args.runs)])
print(json.dumps(results["sweep"]), flush=True)

with open(os.path.join(args.root, "bench", "results.json"), "w") as f:
    json.dump(results, f, indent=1)


def fmt(s, digits=0):
    return "%.*f (%.*f-%.*f)" % (digits, s["median"], digits, s["min"], digits, s["max"])


print("\nTraining samples/s, batch 64, SGD lr 0.01 momentum 0.9: median (min-max) of %d runs" % args.runs)
print("| network | threads | images timed | sparksweep | PyTorch | ratio | sparksweep test acc | PyTorch test acc |")
print("|---|---|---|---|---|---|---|---|")
for r in results["trials"]:
    t = r.get("torch_sps")
    print("| %s | %d | %d | %s | %s | %s | %.4f | %s |" % (
        r["model"], r["threads"], r["train_images"], fmt(r["sparksweep_sps"]), fmt(t) if t else "skipped",
        "%.2f" % (r["sparksweep_sps"]["median"] / t["median"]) if t else "-", r["sparksweep_acc"]["median"],
        "%.4f" % r["torch_acc"]["median"] if t else "-"))
s = results["sweep"]
print("\n4-trial MLP sweep (1 epoch each), wall seconds: median (min-max)")
print("| engine | setting | wall s | trials/hour |")
print("|---|---|---|---|")
print("| sparksweep | ./sparksweep run, local[*] on %d cores, 1 thread per trial (JVM start included) | %s | %.0f |" % (
    machine["cores"], fmt(s["sparksweep_wall"], 1), 4 * 3600 / s["sparksweep_wall"]["median"]))
print("| sparksweep | the same, sweep only (from its summary line) | %s | %.0f |" % (
    fmt(s["sparksweep_inner"], 1), 4 * 3600 / s["sparksweep_inner"]["median"]))
if "torch_wall" in s:
    print("| PyTorch | 2 processes at a time, 1 thread each | %s | %.0f |" % (
        fmt(s["torch_wall"], 1), 4 * 3600 / s["torch_wall"]["median"]))
    print("\nsweep throughput ratio sparksweep / PyTorch: %.2f" % (s["torch_wall"]["median"] / s["sparksweep_wall"]["median"]))
