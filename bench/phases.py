"""Where the time of `mltriad check` goes, and the floor that libyaml alone sets.

Runs in a fresh interpreter (so imports are measured cold), imports what the `check`
command imports, then runs the command in process with timers wrapped around the
pipeline's functions. Each timer is exclusive: a file read inside a rule counts as
reading, not as the rule. Prints one JSON object.

    python bench/phases.py REPO
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHASES = ("import", "discover", "read", "parse", "validate", "rules", "git", "render", "other")


class Timers:
    """Exclusive wall-clock timers: entering a phase pauses the one it interrupts."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[str] = ["other"]
        self.mark = time.perf_counter()

    def enter(self, phase: str) -> None:
        now = time.perf_counter()
        self.totals[self.stack[-1]] += now - self.mark
        self.stack.append(phase)
        self.mark = now

    def leave(self) -> None:
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.mark
        self.mark = now

    def wrap(self, func: Callable[..., Any], phase: str) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(phase)
            try:
                return func(*args, **kwargs)
            finally:
                self.leave()

        return timed


def patch_everywhere(owner: Any, name: str, timers: Timers, phase: str) -> None:
    """Wrap `owner.name`, and every `from ... import name` copy of it in mltriad's modules."""
    original = getattr(owner, name, None)
    if original is None:
        return
    timed = timers.wrap(original, phase)
    setattr(owner, name, timed)
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("mltriad"):
            for attr, value in list(vars(module).items()):
                if value is original:
                    setattr(module, attr, timed)


def instrument(timers: Timers) -> None:
    from mltriad import artifacts, documents, policy, report, schemas, snapshot
    from mltriad.rules import base

    for name in ("glob",):
        patch_everywhere(snapshot.WorkTree, name, timers, "discover")
    for name in ("read_bytes", "exists"):
        patch_everywhere(snapshot.WorkTree, name, timers, "read")
    for name in ("parse", "parse_markdown", "parse_yaml"):
        patch_everywhere(artifacts, name, timers, "parse")
    patch_everywhere(documents, "parse_yaml", timers, "parse")
    patch_everywhere(policy, "parse_yaml", timers, "parse")
    patch_everywhere(schemas, "validate", timers, "validate")
    patch_everywhere(base, "run_checks", timers, "rules")
    patch_everywhere(report, "render", timers, "render")
    patch_everywhere(subprocess.Popen, "__init__", timers, "git")
    patch_everywhere(subprocess.Popen, "communicate", timers, "git")
    patch_everywhere(subprocess.Popen, "wait", timers, "git")


def run_check(repo: Path) -> tuple[float, dict[str, float], int]:
    """Import the check command's modules, then run it in process; seconds per phase."""
    started = time.perf_counter()
    import mltriad.commands.check  # noqa: F401
    from mltriad.cli import cli
    from mltriad.report.findings import render  # noqa: F401  (imported by the command itself)

    imported = time.perf_counter() - started
    timers = Timers()
    instrument(timers)
    out = io.StringIO()
    os.chdir(repo)
    timers.mark = begin = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli.main(args=["check"], prog_name="mltriad", standalone_mode=False)
    total = time.perf_counter() - begin
    timers.totals["other"] += time.perf_counter() - timers.mark
    phases = {p: timers.totals.get(p, 0.0) for p in PHASES if p != "import"}
    phases["import"] = imported
    return total + imported, phases, int(code or 0)


def yaml_texts(repo: Path) -> tuple[list[str], float]:
    """The YAML of every governed file (front matter of Markdown), and the time to read it."""
    started = time.perf_counter()
    texts = []
    for folder, suffix in (
        ("model-cards", ".md"),
        ("decisions", ".md"),
        ("eval-sets", ".yaml"),
        ("signoffs", ".yaml"),
    ):
        for path in sorted((repo / folder).rglob(f"*{suffix}")):
            text = path.read_text(encoding="utf-8")
            if suffix == ".md" and text.startswith("---\n"):
                text = text[4 : text.index("\n---\n", 3) + 1]
            texts.append(text)
    texts.append((repo / "triad.yaml").read_text(encoding="utf-8"))
    return texts, time.perf_counter() - started


def libyaml_floor(texts: list[str]) -> float:
    """Seconds for libyaml's C loader alone to load every text (best of three)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            yaml.load(text, Loader=loader)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python bench/phases.py REPO", file=sys.stderr)
        return 2
    repo = Path(args[0]).resolve()
    total, phases, code = run_check(repo)
    texts, read = yaml_texts(repo)
    print(
        json.dumps(
            {
                "total": total,
                "phases": phases,
                "exit": code,
                "files": len(texts),
                "floor_read": read,
                "floor_libyaml": libyaml_floor(texts),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
