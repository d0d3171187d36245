"""What bench/search.py and bench/asha.py share: the tutorial's search space as a sweep file, and Spark SQL
answers read back from `sparksweep sql`'s table."""
import subprocess

SWEEP = """name: {name}
seed: {seed}
objective: {{metric: val_accuracy, direction: maximize}}
dataset: {{name: fashion-mnist, validation_split: 0.1, train_limit: {limit}}}
training: {{epochs: {epochs}}}
search:
  strategy: {strategy}
  trials: {trials}
  architecture: [mlp, deep_mlp, cnn]
  learning_rate: {{min: 0.001, max: 0.3, log: true}}
  batch_size: [32, 64, 128]
  optimizer: [sgd, {{type: momentum, momentum: 0.9}}, adam]
{tail}"""


def sweep(name, seed, strategy, trials, epochs, limit, tail=""):
    """The sweep file's text; `tail` adds top-level keys after the search (a scheduler, a budget)."""
    return SWEEP.format(name=name, seed=seed, strategy=strategy, trials=trials, epochs=epochs, limit=limit, tail=tail)


def sql(launcher, out, query, rows=1000000):
    """The rows of `sparksweep sql QUERY --output OUT` as dicts of strings, read from its printed table."""
    r = subprocess.run([launcher, "sql", query, "--output", out, "--rows", str(rows)], capture_output=True, text=True, check=True)
    lines = [l for l in r.stdout.splitlines() if l.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    return [dict(zip(head, [c.strip() for c in l.strip("|").split("|")])) for l in lines[1:]]
