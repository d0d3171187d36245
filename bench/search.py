#!/usr/bin/python3
"""TPE against random search on the tutorial's space, side by side (issue 13's benchmark).

For each seed, one random and one TPE sweep over architecture mlp / deep_mlp / cnn, learning rate
log-uniform 0.001-0.3, batch size 32 / 64 / 128, optimizer sgd / momentum / adam; the first 12,000
training images with 10% held out; 3 epochs per trial; 24 trials; 2 slots on local[*]. The runs alternate
(random, tpe, random, ...). Prints the best validation accuracy after each trial and against wall time, and
writes bench/results-search.json.

    bench/search.py --seeds 1,2,3          # about half an hour per seed pair on 2 cores
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from tutorial_space import sql as sql_at, sweep

p = argparse.ArgumentParser()
p.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
p.add_argument("--seeds", default="1,2,3")
p.add_argument("--trials", type=int, default=24)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--train-limit", type=int, default=12000)
p.add_argument("--out", default=None, help="output folder (default: a temporary one)")
p.add_argument("--analyze", action="store_true", help="only read the sweeps already in --out")
args = p.parse_args()
launcher = os.path.join(args.root, "sparksweep")
out = args.out or tempfile.mkdtemp(prefix="sparksweep-search-")
os.makedirs(out, exist_ok=True)

results = []
for seed in [int(s) for s in args.seeds.split(",")]:
    for strategy in ["random", "tpe"]:
        name = f"search-{strategy}-{seed}"
        path = os.path.join(out, name + ".yaml")
        with open(path, "w") as f:
            f.write(sweep(name, seed, strategy, args.trials, args.epochs, args.train_limit))
        if args.analyze:
            results.append({"seed": seed, "strategy": strategy})
            continue
        t0 = time.time()
        r = subprocess.run([launcher, "run", path, "--output", out, "--keep-models", "0"], capture_output=True, text=True)
        wall = time.time() - t0
        if r.returncode not in (0, 3):
            sys.exit(f"bench: {name} failed:\n{r.stderr[-3000:]}")
        print(f"{name}: {wall:.0f} s", file=sys.stderr, flush=True)
        results.append({"seed": seed, "strategy": strategy, "wall_seconds": round(wall, 1)})

rows = sql_at(launcher, out, "SELECT sweep, suggestion, architecture, val_accuracy, test_accuracy, "
           "unix_millis(finished_at) AS finished_ms, unix_millis(started_at) AS started_ms FROM leaderboard ORDER BY sweep, suggestion")
for res in results:
    name = f"search-{res['strategy']}-{res['seed']}"
    mine = [r for r in rows if r["sweep"] == name]
    start = min(int(r["started_ms"]) for r in mine)
    best, curve, by_time = 0.0, [], []
    for r in sorted(mine, key=lambda r: int(r["suggestion"])):
        v = float(r["val_accuracy"]) if r["val_accuracy"].lower() != "null" else 0.0
        best = max(best, v)
        curve.append(round(best, 4))
    best_t = 0.0
    for r in sorted(mine, key=lambda r: int(r["finished_ms"])):
        v = float(r["val_accuracy"]) if r["val_accuracy"].lower() != "null" else 0.0
        best_t = max(best_t, v)
        by_time.append([round((int(r["finished_ms"]) - start) / 1000, 1), round(best_t, 4)])
    res["best_by_trial"] = curve
    res["best_by_time"] = by_time
    res.setdefault("wall_seconds", round((max(int(r["finished_ms"]) for r in mine) - start) / 1000, 1))
    res["architectures"] = {a: sum(1 for r in mine if r["architecture"] == a) for a in ["mlp", "deep_mlp", "cnn"]}

summary = {}
for strategy in ["random", "tpe"]:
    finals = [r["best_by_trial"][-1] for r in results if r["strategy"] == strategy]
    summary[strategy] = {"final_best": finals, "median_final_best": statistics.median(finals)}
# Trials TPE needs to reach random's final best, per seed (None: never).
need = []
for seed in sorted({r["seed"] for r in results}):
    rnd = next(r for r in results if r["seed"] == seed and r["strategy"] == "random")
    tpe = next(r for r in results if r["seed"] == seed and r["strategy"] == "tpe")
    target = rnd["best_by_trial"][-1]
    hit = next((i + 1 for i, v in enumerate(tpe["best_by_trial"]) if v >= target), None)
    need.append(hit)
summary["tpe_trials_to_reach_random_final_best"] = need
lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
machine = re.search(r"Model name:\s*(.*)", lscpu).group(1) + ", " + str(os.cpu_count()) + " cores"
doc = {"date": time.strftime("%Y-%m-%d"), "machine": machine, "trials": args.trials, "epochs": args.epochs,
       "train_limit": args.train_limit, "summary": summary, "runs": results}
with open(os.path.join(args.root, "bench", "results-search.json"), "w") as f:
    json.dump(doc, f, indent=1)
print(json.dumps(summary, indent=1))
for r in results:
    print(r["strategy"], r["seed"], r["wall_seconds"], "s", r["architectures"], r["best_by_trial"])
