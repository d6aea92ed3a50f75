"""`mltriad results compute` on 100,000 and 1,000,000 predictions: time and peak memory.

Builds an evaluation set of N cases in two slices (CSV data files) and a predictions file
with scores, then times `mltriad.scoring.score` plus every metric (one process, one core)
and measures its peak memory with resource.getrusage (ru_maxrss). A second predictions file of the same
cases carries a 400-byte extra column per line: four times the bytes, and the same peak,
since lines are streamed and nothing of a line is kept but its counts and its score.

    python bench/results_compute.py            # 100k and 1M
    python bench/results_compute.py --quick    # 20k and 100k (the test suite runs this)

Last, it times the whole command, `mltriad results compute model-cards/bench.md
--predictions p.csv --dry-run`, in a fresh process: what a user waits for.
"""

from __future__ import annotations

import contextlib
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mltriad.artifacts import Repository
from mltriad.evalsets import load_eval_set
from mltriad.metrics import METRICS, Undefined
from mltriad.policy import read_policy
from mltriad.scoring import score
from mltriad.snapshot import WorkTree

CARD = """---
id: bench-model
version: 1.0.0
status: candidate
owners: {ml-engineer: a@example.org, product-manager: b@example.org, domain-expert: c@example.org}
task: {type: binary-classification, input: A case., output: A label and a score.}
intended_use: Measuring `mltriad results compute`.
eval_sets: [bench]
targets:
  - {metric: recall, slice: part-0, eval_set: bench, min: 0.5}
  - {metric: precision, eval_set: bench, min: 0.5}
  - {metric: roc_auc, eval_set: bench, min: 0.5}
  - {metric: pr_auc, eval_set: bench, min: 0.5}
---
# Bench model
"""

POLICY = """version: 1
roles:
  ml-engineer: {members: []}
  product-manager: {members: []}
  domain-expert: {members: []}
"""


def build(root: Path, n: int) -> tuple[Path, Path]:
    rng = random.Random(n)
    (root / "eval-sets").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "triad.yaml").write_text(POLICY)
    half = n // 2
    slices = []
    with (root / "p.csv").open("w") as plain, (root / "wide.csv").open("w") as wide:
        plain.write("id,prediction,score\n")
        wide.write("id,prediction,score,features\n")
        padding = "x" * 400
        for part, (start, stop) in enumerate(((0, half), (half, n))):
            name = f"part-{part}"
            with (root / "data" / f"{name}.csv").open("w") as data:
                data.write("case,label\n")
                for i in range(start, stop):
                    label = "fraud" if rng.random() < 0.1 else "legit"
                    data.write(f"c{i},{label}\n")
                    s = min(max(rng.gauss(0.7 if label == "fraud" else 0.3, 0.2), 0.0), 1.0)
                    predicted = "fraud" if s > 0.5 else "legit"
                    plain.write(f"c{i},{predicted},{s:.4f}\n")
                    wide.write(f"c{i},{predicted},{s:.4f},{padding}\n")
            slices.append(
                f"  - name: {name}\n    defined_by: domain-expert\n    source: expert\n"
                f"    cases: {stop - start}\n    columns: {{id: case, label: label, positive: fraud}}\n"
                f"    files:\n      - path: data/{name}.csv\n        sha256: '{'0' * 64}'\n"
            )
    (root / "model-cards").mkdir()
    (root / "model-cards" / "bench.md").write_text(CARD)
    (root / "eval-sets" / "bench.yaml").write_text(
        "id: bench\ntitle: Bench\ndescription: d\nowner: domain-expert\nslices:\n" + "".join(slices)
    )
    return root / "p.csv", root / "wide.csv"


def measure(root: Path, predictions: Path) -> tuple[float, float, int]:
    snapshot = WorkTree(root)
    policy, _ = read_policy(snapshot)
    eval_set = load_eval_set(Repository(snapshot, policy), "bench")
    assert eval_set is not None
    started = time.perf_counter()
    scored = score(eval_set, snapshot, lambda: predictions.open("rb"), predictions.name)
    for part in scored.slices:
        for metric in METRICS:
            with contextlib.suppress(Undefined):
                scored.value(metric, part)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return elapsed, peak, scored.predictions


def cli(root: Path) -> float:
    """Seconds for the command as a user runs it, in a fresh process, on p.csv."""
    started = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "mltriad", "results", "compute", "model-cards/bench.md"),
            *("--predictions", "p.csv", "--dry-run"),
        ],
        cwd=root,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - started


def reference() -> float:
    """Seconds for a fixed pure-Python loop (a million dict inserts), to tell a slow or busy
    machine from a slow program: the ratio of the two is what to compare across runs."""
    started = time.perf_counter()
    table = {}
    for i in range(1_000_000):
        table[str(i)] = i
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    if argv[:1] == ["--measure"]:
        seconds, peak, count = measure(Path(argv[1]), Path(argv[2]))
        print(seconds, peak, count)
        return 0
    sizes = (20_000, 100_000) if "--quick" in argv else (100_000, 1_000_000)
    commands: list[tuple[int, float]] = []
    print("| predictions | file | time | peak resident memory (whole process) | bytes per case |")
    print("| --- | --- | --- | --- | --- |")
    for n in sizes:
        with tempfile.TemporaryDirectory() as folder:
            plain, wide = build(Path(folder), n)
            for path in (plain, wide):
                # A fresh process per run, so that its peak resident memory is this run's.
                out = subprocess.run(
                    [sys.executable, __file__, "--measure", folder, str(path)],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.split()
                seconds, peak, count = float(out[0]), float(out[1]), int(out[2])
                assert count == n
                size = path.stat().st_size / 2**20
                print(
                    f"| {n:,} | {path.name} ({size:,.0f} MiB) | {seconds:.2f} s | "
                    f"{peak:,.1f} MiB | {peak * 2**20 / n:,.0f} |"
                )
            commands.append((n, cli(Path(folder))))
    for n, seconds in commands:
        print(
            f"`mltriad results compute` (the whole command: start-up, card, four metrics, "
            f"sha256, diff) on {n:,} predictions: {seconds:.2f} s"
        )
    # Last: the children inherit this process's peak memory, so no big loop before them.
    print(
        f"machine: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"reference loop (1M dict inserts) {reference():.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
