"""`mltriad history` and the site's history charts on a long history: one model card with
300 versions in a 20,000-commit history of a generated repository.

The history is one `git fast-import` stream (bench/history.py's builder). It starts with a
generated repository (bench/generate.py), then goes round its model cards as a team
would (an edit of a card, then a sign-off record per role); every `commits / versions`
commits the tracked card gets a new version with new results, and its ML engineer signs.

Two figures, each the median of interleaved runs:

- `mltriad history CARD` on that repository, against `mltriad check` on the same one (the
  cost of reading 20,000 commits, next to the cost of reading the files once);
- `mkdocs build` of the site with history (the full repository) against the same files
  without history (one commit holding today's tree): goal at most 1.5x.

    python bench/card_history.py                      # 20,000 commits, 300 versions
    python bench/card_history.py --commits 2000 --versions 30 --size 100 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate
from history import Commit, History, model_cards, rounds, run_git

GOAL = 1.5


def build(root: Path, size: int, commits: int, versions: int, seed: int = 7) -> str:
    """Write the repository at `root`; return the path of the card with `versions` versions."""
    history = History(generate.Writer(size, seed))
    writer = history.writer
    engineer = writer.people["ml-engineer"][0]
    history.commit(Commit("main", engineer, "Add the governed artifacts", dict(history.tree)))
    cards = model_cards(history.tree)
    tracked, others = cards[0], cards[1:] or cards
    every = max(1, commits // versions)
    version = 0
    revision = 0
    loop = rounds(others)
    while history.mark < commits:
        if history.mark % every == 0 and version < versions:
            version += 1
            text = _version(history.tree[tracked], version)
            history.commit(
                Commit("main", engineer, f"{tracked}: version {version}", {tracked: text})
            )
            signer = writer.owner(tracked, "ml-engineer")
            history.signed += 1
            record = generate.signoff_record(
                tracked, "ml-engineer", signer, generate.digest(text), history.signed
            )
            path = generate.signoff_path(tracked, "ml-engineer")
            history.commit(Commit("main", signer, f"Sign off {tracked}", {path: record}))
            continue
        card = next(loop)
        revision += 1
        history.commit(
            Commit(
                "main",
                engineer,
                f"Revise {card}",
                history.edit([card], f"Revision {revision}: {writer.sentence(8)}"),
            )
        )
    run_git(root, "init", "-q", "-b", "main", str(root))
    run_git(root, "fast-import", "--quiet", "--done", stdin=history.stream())
    run_git(root, "checkout", "-q", "-f", "main")
    return tracked


_VERSION = re.compile(r"^version: .*$", re.MULTILINE)
_VALUE = re.compile(r"^(    value: )([0-9.]+)$", re.MULTILINE)


def _version(text: str, n: int) -> str:
    """The card at version 3.N.0, each result moved a little (so every version differs)."""
    text = _VERSION.sub(f"version: 3.{n}.0", text, count=1)
    return _VALUE.sub(lambda m: f"{m.group(1)}{min(0.999, float(m.group(2)) + 0.0001):.4f}", text)


def flatten(full: Path, flat: Path) -> None:
    """The same files as `full` in a new repository with one commit: no history."""
    run_git(flat, "init", "-q", "-b", "main", str(flat))
    tree = subprocess.run(
        ["git", "-C", str(full), "archive", "HEAD"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(flat)], input=tree, check=True)
    run_git(flat, "add", "-A")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Bench",
            "-c",
            "user.email=bench@example.org",
            "commit",
            "-qm",
            "Today",
        ],
        cwd=flat,
        env=env,
        check=True,
    )


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(args)} failed in {cwd}: {done.stderr[-2000:]}")
    return elapsed


def interleaved(runs: int, *commands: tuple[list[str], Path]) -> list[float]:
    samples: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, (args, cwd) in enumerate(commands):
            samples[i].append(timed(args, cwd))
    return [statistics.median(s) for s in samples]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commits", type=int, default=20_000, help="commits (default 20,000)")
    parser.add_argument("--versions", type=int, default=300, help="card versions (default 300)")
    parser.add_argument("--size", type=int, default=500, help="artifacts (default 500)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    exe = Path(sys.executable).with_name("mltriad")
    mltriad = [str(exe)] if exe.exists() else [sys.executable, "-m", "mltriad"]
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "--site-dir"]
    with tempfile.TemporaryDirectory(prefix="mltriad-card-history-") as work:
        full, flat = Path(work) / "full", Path(work) / "flat"
        started = time.perf_counter()
        card = build(full, args.size, args.commits, args.versions)
        generate.site_config(full)
        flatten(full, flat)
        generate.site_config(flat)
        built = time.perf_counter() - started
        shown = subprocess.run(
            [*mltriad, "history", card, "--format", "json"],
            cwd=full,
            capture_output=True,
            text=True,
            check=True,
        )
        found = len(json.loads(shown.stdout)["versions"])
        history, check = interleaved(
            args.runs, ([*mltriad, "history", card], full), ([*mltriad, "check"], full)
        )
        with_history, without = interleaved(
            args.runs,
            ([*mkdocs, str(Path(work) / "site-full")], full),
            ([*mkdocs, str(Path(work) / "site-flat")], flat),
        )
    ratio = with_history / without
    print(
        f"card history: {args.commits:,} commits, {args.size} artifacts, one card with "
        f"{found} versions (repository written in {built:.1f} s)"
    )
    print(
        f"  mltriad history  {history:7.2f} s   ({history / check:.2f}x mltriad check, {check:.2f} s)"
    )
    print(
        f"  site build       {with_history:7.2f} s with history, {without:.2f} s without: "
        f"{ratio:.2f}x (goal at most {GOAL}x: {'met' if ratio <= GOAL else 'NOT met'})"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "commits": args.commits,
                    "versions": found,
                    "size": args.size,
                    "history_seconds": history,
                    "check_seconds": check,
                    "site_with_history_seconds": with_history,
                    "site_without_history_seconds": without,
                    "site_ratio": ratio,
                    "goal": GOAL,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
