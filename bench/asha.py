#!/usr/bin/python3
"""Successive halving against full-length trials and against Optuna, side by side (issue 14's benchmark).

The tutorial's space (architecture mlp / deep_mlp / cnn, learning rate log-uniform 0.001-0.3, batch size
32 / 64 / 128, optimizer sgd / momentum 0.9 / adam), the first 12,000 training images with 10% held out, up
to 9 epochs per trial, a budget of --budget seconds on local[*] with 2 slots, one after the other:
  1. sparksweep random search, every trial 9 epochs;
  2. sparksweep ASHA (min 1 epoch, eta 3) with random search;
  3. sparksweep ASHA with TPE;
  4. bench/anchors/optuna_sweep.py: Optuna's TPE with its successive-halving pruner, two one-thread PyTorch
     workers (Debian's python3-optuna, python3-torch, libopenblas0-openmp).
Prints, for each, the best validation accuracy reached against wall time and that trial's test accuracy;
writes bench/results-asha.json.

    bench/asha.py --budget 900 --seed 1
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from tutorial_space import sql as sql_at, sweep

p = argparse.ArgumentParser()
p.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
p.add_argument("--budget", type=int, default=900)
p.add_argument("--seed", type=int, default=1)
p.add_argument("--grace", type=int, default=30, help="seconds past the budget before a run is killed")
p.add_argument("--only", default="random,asha-random,asha-tpe,optuna")
p.add_argument("--out", default=None)
args = p.parse_args()
launcher = os.path.join(args.root, "sparksweep")
out = args.out or tempfile.mkdtemp(prefix="sparksweep-asha-")
os.makedirs(out, exist_ok=True)

def bounded(cmd, seconds, env=None):
    """Runs cmd, and kills its whole process group after `seconds`: what finished after the budget does not count,
    and a trial that started just before it need not run on (every committed row stays)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
    try:
        o, e = proc.communicate(timeout=seconds)
        return proc.returncode, o, e
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        o, e = proc.communicate()
        return None, o, e


def num(v):
    return None if v is None or v.lower() == "null" else float(v)


results = {}
for config in args.only.split(","):
    t0 = time.time()
    if config == "optuna":
        env = dict(os.environ, OPENBLAS_CORETYPE="SkylakeX", OMP_WAIT_POLICY="PASSIVE")
        journal = os.path.join(out, f"optuna-{args.seed}.journal")
        for f in (journal, journal + ".trials.jsonl"):
            if os.path.exists(f):
                os.remove(f)
        bounded(["/usr/bin/python3", os.path.join(args.root, "bench", "anchors", "optuna_sweep.py"), "--workers", "2",
                 "--budget-seconds", str(args.budget), "--sampler", "tpe", "--pruner", "sha", "--train-limit", "12000",
                 "--val-split", "0.1", "--max-epochs", "9", "--seed", str(args.seed), "--journal", journal],
                args.budget + args.grace, env)
        # Each finished or pruned trial as its worker wrote it, with its wall time since the study began.
        trials = [json.loads(l) for l in open(journal + ".trials.jsonl")] if os.path.exists(journal + ".trials.jsonl") else []
        best, curve = None, []
        for t in sorted(trials, key=lambda t: t["wall"]):
            if t["state"] == "COMPLETE" and t["wall"] <= args.budget and (best is None or t["val_accuracy"] > best["val_accuracy"]):
                best = t
                curve.append([t["wall"], round(t["val_accuracy"], 4), round(t["test_accuracy"], 4)])
        results[config] = {"wall_seconds": round(time.time() - t0, 1), "trials": len(trials),
                           "completed": sum(t["state"] == "COMPLETE" for t in trials), "epochs": sum(t["epochs"] for t in trials),
                           "best_val": best and best["val_accuracy"], "best_test": best and best["test_accuracy"],
                           "best_params": best and best["params"], "curve": curve}
        print(config, json.dumps(results[config])[:400], file=sys.stderr, flush=True)
        continue
    strategy = "tpe" if config == "asha-tpe" else "random"
    scheduler = "scheduler: {type: asha, min_epochs: 1, reduction_factor: 3}\n" if config.startswith("asha") else ""
    name = f"asha-bench-{config}-{args.seed}"
    path = os.path.join(out, name + ".yaml")
    with open(path, "w") as f:
        f.write(sweep(name, args.seed, strategy, 1000, 9, 12000, scheduler + f"budget: {{max_wall_time: {args.budget}s}}\n"))
    rc, _, err = bounded([launcher, "run", path, "--output", out, "--keep-models", "0"], args.budget + args.grace)
    if rc not in (None, 0, 3):
        sys.exit(f"bench: {name} failed:\n{err[-3000:]}")
    results[config] = {"wall_seconds": round(time.time() - t0, 1), "sweep": name, "launched_ms": int(t0 * 1000)}
    print(config, results[config], file=sys.stderr, flush=True)

epochs = sql_at(launcher, out, "SELECT sweep, trial_id, epoch, val_accuracy, test_accuracy, unix_millis(finished_at) AS t FROM epochs WHERE sweep LIKE 'asha-bench-%'")
rows = sql_at(launcher, out, "SELECT sweep, trial_id, epochs_run, status, architecture FROM leaderboard WHERE sweep LIKE 'asha-bench-%'")
for config, res in results.items():
    if "sweep" not in res:
        continue
    name = res["sweep"]
    mine = [r for r in rows if r["sweep"] == name]
    start = res.pop("launched_ms")
    # every epoch's validation accuracy at the time its evaluation ended, from the launcher's start (JVM start included)
    ends = [((int(e["t"]) - start) / 1000, num(e["val_accuracy"]), num(e["test_accuracy"]), e["trial_id"], int(e["epoch"]))
            for e in epochs if e["sweep"] == name]
    ends.sort()
    best, curve = None, []
    for t, v, test, tid, ep in ends:
        if v is not None and (best is None or v > best[0]):
            best = (v, test, tid, ep)
            curve.append([round(t, 1), v, test])
    res["best_val"], res["best_test"] = (best[0], best[1]) if best else (None, None)
    res["curve"] = curve
    res["trials"] = len(mine)
    res["epochs"] = sum(int(r["epochs_run"]) for r in mine)
    res["within_budget"] = max([c for c in curve if c[0] <= args.budget], default=None, key=lambda c: c[1])
    res["best_val"], res["best_test"] = (res["within_budget"][1], res["within_budget"][2]) if res["within_budget"] else (None, None)
# When each reached random search's best validation accuracy within the budget (the first target).
target = results.get("random", {}).get("best_val")
for res in results.values():
    res["reached_random_best_at"] = next((c[0] for c in res.get("curve", []) if target is not None and c[1] >= target), None)
lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
machine = re.search(r"Model name:\s*(.*)", lscpu).group(1) + ", " + str(os.cpu_count()) + " cores"
doc = {"date": time.strftime("%Y-%m-%d"), "machine": machine, "budget_seconds": args.budget, "seed": args.seed, "results": results}
with open(os.path.join(args.root, "bench", "results-asha.json"), "w") as f:
    json.dump(doc, f, indent=1)
for config, res in results.items():
    print(config, {k: v for k, v in res.items() if k not in ("curve", "summary")})
