"""`mltriad check`: validate artifacts and their cross-references."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mltriad.artifacts import Repository
from mltriad.errors import MltriadError
from mltriad.findings import Finding, finding
from mltriad.policy import POLICY_PATH, read_policy
from mltriad.rules import Context, run_checks
from mltriad.rules.references import DUPLICATE_ID
from mltriad.snapshot import WorkTree


@dataclass
class CheckResult:
    findings: list[Finding]
    checked: list[str]
    verdicts: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(f.blocks for f in self.findings)


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds triad.yaml (else `start`)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / POLICY_PATH).is_file():
            return folder
        if (folder / ".git").exists():
            return folder
    return start


def check(root: Path, paths: Sequence[str] | None = None) -> CheckResult:
    """Check every governed artifact under `root`, or only `paths` (resolved against the
    whole repository). Raises ConfigError when triad.yaml is missing or invalid."""
    snapshot = WorkTree(root)
    policy, policy_findings = read_policy(snapshot)
    repo = Repository(snapshot, policy)
    ctx = Context(repo, policy)
    full = paths is None
    targets = repo.all_paths() if full else _targets(repo, root, paths or [])
    found: list[Finding] = []
    checked: list[str] = []
    for kind, path in targets:
        checked.append(path)
        if kind == "policy":
            found.extend(policy_findings)
            continue
        found.extend(run_checks(repo.load(path, kind), ctx))
    if full:
        found.extend(_duplicate_ids(repo))
    return CheckResult(sorted(set(found)), checked, ctx.verdicts)


def _targets(repo: Repository, root: Path, paths: Iterable[str]) -> list[tuple[str, str]]:
    targets: list[tuple[str, str]] = []
    seen: set[str] = set()
    for given in paths:
        full = (Path.cwd() / given).resolve() if not os.path.isabs(given) else Path(given)
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise MltriadError(
                f"'{given}' is outside the repository at {root}",
                hint="Pass paths inside the repository, or -C to its root.",
            ) from None
        if full.is_dir():
            prefix = "" if rel == "." else rel + "/"
            candidates = [p for _, p in repo.all_paths() if p.startswith(prefix)]
        elif full.exists() or full.is_symlink():
            candidates = [rel]
        else:
            raise MltriadError(f"'{given}' does not exist", hint="Check the path and try again.")
        for path in candidates:
            kind = repo.kind_of(path)
            if kind is not None and path not in seen:
                seen.add(path)
                targets.append((kind, path))
    return targets


def _duplicate_ids(repo: Repository) -> Iterable[Finding]:
    for kind in ("model-card", "eval-set"):
        by_id: dict[str, list[str]] = defaultdict(list)
        for path in repo.paths(kind):
            by_id[repo.load(path, kind).id].append(path)
        for ident, paths in by_id.items():
            for path in paths[1:]:
                yield finding(
                    DUPLICATE_ID,
                    path,
                    f"the {kind} id '{ident}' is also used by {paths[0]}; ids must be unique",
                    1,
                    1,
                )
