#!/usr/bin/python3
"""Records the learning curves that the scheduler's replay tests replay (sweep-core/src/test/resources/replay/).

A real grid over the tutorial's space (architecture mlp / deep_mlp / cnn, optimizer sgd / momentum 0.9 / adam,
learning rate 0.003 / 0.03 / 0.3, batch 64) on the first 12,000 training images with 10% held out, 9 epochs
each, no scheduler; then each trial's validation accuracy and training seconds after every epoch, as CSV.

    bench/record_replay.py            # about 25 minutes on 2 cores
    bench/record_replay.py --from DIR # the CSV again from a grid already trained into DIR

A trial that diverged in its first epoch has no epoch rows; it is written as one line without an epoch.
"""
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
launcher = os.path.join(root, "sparksweep")
trained = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--from" else None
out = trained or tempfile.mkdtemp(prefix="sparksweep-replay-")
sweep = os.path.join(out, "replay.yaml")
with open(sweep, "w") if not trained else open(os.devnull, "w") as f:
    f.write("""name: replay-grid
seed: 3
dataset: {name: fashion-mnist, validation_split: 0.1, train_limit: 12000}
training: {epochs: 9}
search:
  architecture: [mlp, deep_mlp, cnn]
  optimizer: [sgd, {type: momentum, momentum: 0.9}, adam]
  learning_rate: [0.003, 0.03, 0.3]
  batch_size: [64]
""")
if not trained:
    r = subprocess.run([launcher, "run", sweep, "--output", out, "--keep-models", "0"], capture_output=True, text=True)
    if r.returncode not in (0, 3):
        sys.exit(r.stderr[-3000:])
q = subprocess.run([launcher, "sql", "SELECT l.architecture, l.optimizer, l.learning_rate, l.batch_size, e.epoch, e.val_accuracy, "
                    "e.train_seconds FROM leaderboard l LEFT JOIN epochs e USING (sweep, trial_id) ORDER BY 1, 2, 3, 5",
                    "--output", out, "--rows", "100000"], capture_output=True, text=True, check=True)
lines = [l for l in q.stdout.splitlines() if l.startswith("|")]
target = os.path.join(root, "sweep-core", "src", "test", "resources", "replay", "tutorial-12k.csv")
os.makedirs(os.path.dirname(target), exist_ok=True)
with open(target, "w") as f:
    f.write("architecture,optimizer,learning_rate,batch_size,epoch,val_accuracy,train_seconds\n")
    for l in lines[1:]:
        cells = [c.strip() for c in l.strip("|").split("|")]
        f.write(",".join("" if c.lower() == "null" else c for c in cells) + "\n")
print(target, len(lines) - 1, "epochs recorded", file=sys.stderr)
