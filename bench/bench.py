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
p.add_argument("--sweep-epochs", type=int, default=1, help="epochs per trial of the 4-trial sweep")
p.add_argument("--sweep-only", action="store_true", help="skip the single-trial table")
p.add_argument("--sweep-model", choices=["mlp", "cnn"], default="mlp", help="the network of the 4-trial sweep")
p.add_argument("--sweep-images", type=int, default=0,
               help="train each sweep trial on this many images (0: all 54,000 after the validation split)")
args = p.parse_args()
launcher = os.path.join(args.root, "sparksweep")

# Networks, how much of an epoch each is timed over (the same images for both engines) and epochs: the
# MLP's second full epoch is the one timed (warm, as in a sweep's long-lived executors).
MODELS = [("mlp", 0, 2), ("deep_mlp", 19200, 1), ("cnn", 6400, 1)]
THREADS = [1, 2]


def json_lines(text):
    return [json.loads(l) for l in text.splitlines() if l.startswith("{")]


def run(cmd, env=None):
    """Runs cmd to completion; returns its stdout and its peak resident memory in MB."""
    with tempfile.TemporaryFile() as err:
        pr = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, env=env, text=True)
        out = pr.stdout.read()
        _, status, usage = os.wait4(pr.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            sys.exit("bench: %s failed (%d):\n%s%s" % (" ".join(cmd), code, out[-3000:], err.read().decode()[-3000:]))
    return out, usage.ru_maxrss / 1024.0


def core_type():
    """The OpenBLAS kernel family the launcher picked for this CPU (it reports it); PyTorch's OpenBLAS gets the same."""
    global CORE
    if CORE is None:
        out, _ = run([launcher, "bench", "--model", "mlp", "--train-images", "64"])
        CORE = json_lines(out)[-1].get("blas_core", "")
    return "" if CORE in ("", "auto") else CORE


CORE = None


def torch_env():
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    if core_type():
        env["OPENBLAS_CORETYPE"] = core_type()
    return env


def stats(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def sparksweep_trial(model, images, threads, epochs):
    cmd = [launcher, "bench", "--model", model, "--threads", str(threads), "--epochs", str(epochs)]
    if images:
        cmd += ["--train-images", str(images)]
    out, rss = run(cmd)
    return dict(json_lines(out)[-1], rss_mb=rss)


def torch_trial(model, images, threads, epochs):
    cmd = ["/usr/bin/python3", args.anchor, "--model", model, "--epochs", str(epochs), "--threads", str(threads)]
    if images:
        cmd += ["--max-batches", str(images // 64)]
    out, rss = run(cmd, torch_env())
    lines = json_lines(out)
    return dict([l for l in lines if "epoch" in l and "train_seconds" in l][-1], rss_mb=rss), lines[0].get("blas", {})


SWEEP = """name: bench-sweep-%d-epochs
seed: 1
training: {epochs: %d}
%s
search:
  architecture: [%s]
  optimizer: [{type: momentum, momentum: 0.9}]
  learning_rate: [0.1, 0.05, 0.02, 0.01]
  batch_size: [64]
"""


def sparksweep_sweep():
    d = tempfile.mkdtemp()
    sweep = os.path.join(d, "sweep.yaml")
    with open(sweep, "w") as f:
        # train_limit counts the validation split's tenth too, so that the trials train on sweep_images.
        limit = "dataset: {train_limit: %d}" % -(-args.sweep_images * 10 // 9) if args.sweep_images else ""
        f.write(SWEEP % (args.sweep_epochs, args.sweep_epochs, limit, args.sweep_model))
    t0 = time.perf_counter()
    out, rss = run([launcher, "run", sweep, "--output", os.path.join(d, "out"), "--keep-models", "0"])
    wall = time.perf_counter() - t0
    inner = float(re.search(r"in ([0-9.]+) s, (\d+) at a time", out).group(1))
    shutil.rmtree(d)
    return wall, inner, rss


def torch_sweep(parallel=2, threads=1):
    """The same 4 trials as a PyTorch user runs them here: `parallel` processes at a time, `threads` each."""
    env = torch_env()
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = str(threads)
    limit = ["--max-batches", str(args.sweep_images // 64)] if args.sweep_images else []
    t0 = time.perf_counter()
    procs = []
    peak = 0.0
    pending = [0.1, 0.05, 0.02, 0.01]
    while pending or procs:
        while pending and len(procs) < parallel:
            lr = pending.pop(0)
            procs.append(subprocess.Popen(["/usr/bin/python3", args.anchor, "--model", args.sweep_model, "--epochs",
                                           str(args.sweep_epochs), "--threads", str(threads), "--lr", str(lr)] + limit,
                                          stdout=subprocess.DEVNULL, env=env))
        time.sleep(0.05)
        for pr in list(procs):
            pid, status, usage = os.wait4(pr.pid, os.WNOHANG)
            if pid:
                if os.waitstatus_to_exitcode(status) != 0:
                    sys.exit("bench: a PyTorch trial failed")
                peak = max(peak, usage.ru_maxrss / 1024.0)
                procs.remove(pr)
    return time.perf_counter() - t0, peak


machine = {
    "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
    "cores": os.cpu_count(),
    "OPENBLAS_CORETYPE": core_type() or "unset",
    "date": time.strftime("%Y-%m-%d"),
}
results = {"machine": machine, "trials": [], "sweep": {}}
print("machine: %(cpu)s, %(cores)d cores, OPENBLAS_CORETYPE=%(OPENBLAS_CORETYPE)s, %(date)s" % machine, flush=True)

for model, images, epochs in ([] if args.sweep_only else MODELS):
    for threads in THREADS:
        row = {"model": model, "threads": threads, "train_images": images or 60000, "epoch_timed": epochs}
        # The two engines' runs alternate, so that a slow spell of this (shared) machine hits both.
        ss, tt = [], []
        for _ in range(args.runs):
            ss.append(sparksweep_trial(model, images, threads, epochs))
            if args.torch:
                tt.append(torch_trial(model, images, threads, epochs))
        row["sparksweep_sps"] = stats([x["samples_per_second"] for x in ss])
        row["sparksweep_seconds"] = stats([x["train_seconds"] for x in ss])
        row["sparksweep_acc"] = stats([x["test_accuracy"] for x in ss])
        row["sparksweep_rss_mb"] = stats([x["rss_mb"] for x in ss])
        if args.torch:
            row["torch_sps"] = stats([x[0]["samples_per_second"] for x in tt])
            row["torch_seconds"] = stats([x[0]["train_seconds"] for x in tt])
            row["torch_acc"] = stats([x[0]["test_accuracy"] for x in tt])
            row["torch_rss_mb"] = stats([x[0]["rss_mb"] for x in tt])
            row["torch_blas"] = tt[0][1].get("openblas_core", "?") + " " + " ".join(tt[0][1].get("libs", []))
        results["trials"].append(row)
        print(json.dumps(row), flush=True)

sw, tw, tw2 = [], [], []
for _ in range(args.runs):
    sw.append(sparksweep_sweep())
    if args.torch:
        tw.append(torch_sweep())
        tw2.append(torch_sweep(parallel=1, threads=2))
results["sweep"]["sparksweep_wall"] = stats([w for w, _, _ in sw])
results["sweep"]["sparksweep_inner"] = stats([i for _, i, _ in sw])
results["sweep"]["sparksweep_rss_mb"] = stats([r for _, _, r in sw])
if args.torch:
    results["sweep"]["torch_wall"] = stats([w for w, _ in tw])
    results["sweep"]["torch_rss_mb_per_process"] = stats([r for _, r in tw])
    results["sweep"]["torch_one_at_a_time_wall"] = stats([w for w, _ in tw2])
print(json.dumps(results["sweep"]), flush=True)

name = "results.json" if not args.sweep_only and args.sweep_epochs == 1 else "results-sweep-%d-epochs.json" % args.sweep_epochs
if args.sweep_model != "mlp" or args.sweep_images:
    name = "results-sweep-%s-%d-images-%d-epochs.json" % (args.sweep_model, args.sweep_images, args.sweep_epochs)
with open(os.path.join(args.root, "bench", name), "w") as f:
    json.dump(results, f, indent=1)


def fmt(s, digits=0):
    return "%.*f (%.*f-%.*f)" % (digits, s["median"], digits, s["min"], digits, s["max"])


if results["trials"]:
    print("\nTraining samples/s, batch 64, SGD lr 0.01 momentum 0.9: median (min-max) of %d runs" % args.runs)
    print("sparksweep: ./sparksweep bench (ND4J threads as listed, OPENBLAS_CORETYPE=%s); PyTorch: %s --threads N"
          " (torch threads, OMP_WAIT_POLICY=PASSIVE, same core type, BLAS: %s)" % (
              machine["OPENBLAS_CORETYPE"], os.path.basename(args.anchor),
              results["trials"][0].get("torch_blas", "-") if results["trials"] else "-"))
    print("| network | threads | images timed (epoch) | sparksweep samples/s | PyTorch samples/s | ratio | train s, sparksweep / PyTorch"
          " | test acc, sparksweep / PyTorch | peak RSS MB, sparksweep / PyTorch |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results["trials"]:
        t = r.get("torch_sps")
        print("| %s | %d | %d (%d) | %s | %s | %s | %.1f / %s | %.4f / %s | %.0f / %s |" % (
            r["model"], r["threads"], r["train_images"], r["epoch_timed"], fmt(r["sparksweep_sps"]), fmt(t) if t else "skipped",
            "%.2f" % (r["sparksweep_sps"]["median"] / t["median"]) if t else "-",
            r["sparksweep_seconds"]["median"], "%.1f" % r["torch_seconds"]["median"] if t else "-",
            r["sparksweep_acc"]["median"], "%.4f" % r["torch_acc"]["median"] if t else "-",
            r["sparksweep_rss_mb"]["median"], "%.0f" % r["torch_rss_mb"]["median"] if t else "-"))
s = results["sweep"]
print("\n4-trial %s sweep (%d epoch%s each%s), wall seconds: median (min-max)" % (
    args.sweep_model.upper(), args.sweep_epochs, "" if args.sweep_epochs == 1 else "s",
    " on %d images" % args.sweep_images if args.sweep_images else ""))
print("| engine | setting | wall s | trials/hour | peak RSS MB |")
print("|---|---|---|---|---|")
print("| sparksweep | ./sparksweep run, local[*] on %d cores, 1 thread per trial (JVM start included) | %s | %.0f | %.0f (one JVM) |" % (
    machine["cores"], fmt(s["sparksweep_wall"], 1), 4 * 3600 / s["sparksweep_wall"]["median"], s["sparksweep_rss_mb"]["median"]))
print("| sparksweep | the same, sweep only (from its summary line) | %s | %.0f | |" % (
    fmt(s["sparksweep_inner"], 1), 4 * 3600 / s["sparksweep_inner"]["median"]))
if "torch_wall" in s:
    print("| PyTorch | 2 processes at a time, 1 thread each | %s | %.0f | %.0f per process |" % (
        fmt(s["torch_wall"], 1), 4 * 3600 / s["torch_wall"]["median"], s["torch_rss_mb_per_process"]["median"]))
    print("| PyTorch | 1 process at a time, 2 threads | %s | %.0f | |" % (
        fmt(s["torch_one_at_a_time_wall"], 1), 4 * 3600 / s["torch_one_at_a_time_wall"]["median"]))
    best = min(s["torch_wall"]["median"], s["torch_one_at_a_time_wall"]["median"])
    print("\nsweep throughput ratio sparksweep / PyTorch's faster way: %.2f" % (best / s["sparksweep_wall"]["median"]))
