"""`mltriad check`: validate artifacts and their cross-references."""

from __future__ import annotations

import os
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mltriad.artifacts import Repository
from mltriad.errors import MltriadError
from mltriad.findings import Finding, ParseError, finding
from mltriad.formats import SUFFIXES, detect_kind
from mltriad.policy import (
    DEFAULT_PATHS,
    DEFAULT_SECTIONS,
    POLICY_PATH,
    Policy,
    Role,
    path_globs,
    read_policy,
)
from mltriad.rules import Context, run_checks
from mltriad.rules.kind_rules import TWO_KINDS
from mltriad.rules.references import DUPLICATE_ID
from mltriad.rules.target_rules import VERDICT_RULES
from mltriad.snapshot import WorkTree
from mltriad.values import collector_paused


@dataclass
class CheckResult:
    findings: list[Finding]
    checked: list[str]
    verdicts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.blocks for f in self.findings)


def check(root: Path, paths: Sequence[str] | None = None) -> CheckResult:
    """Check every governed artifact under `root`, or only `paths` (resolved against the
    whole repository). Raises ConfigError when triad.yaml is invalid, or missing while no
    `paths` are given; `paths` without a triad.yaml are checked under the default policy."""
    with collector_paused():
        return _check(root, paths)


def _check(root: Path, paths: Sequence[str] | None) -> CheckResult:
    snapshot = WorkTree(root)
    notes: list[str] = []
    if paths and not snapshot.exists(POLICY_PATH):
        repo, targets, notes = _without_policy(root, paths)
        policy, policy_findings = repo.policy, list[Finding]()
    else:
        # A check of some paths (the hook) compiles the schemas of the kinds it checks only.
        policy, policy_findings = read_policy(snapshot, compile_kinds=paths is None)
        repo = Repository(snapshot, policy)
        targets = repo.all_paths() if paths is None else _targets(repo, root, paths)
        _compile_kinds(policy, targets)
    ctx = Context(repo, policy)
    full = paths is None
    found: list[Finding] = []
    checked: list[str] = []
    for kind, path in targets:
        checked.append(path)
        if kind == "policy":
            if path == POLICY_PATH:
                found.extend(policy_findings)
            else:
                checked.pop()  # a kind's schema or template: read with the policy
            continue
        found.extend(run_checks(repo.load(path, kind), ctx))
    found.extend(_two_kinds(repo, checked))
    if full:
        found.extend(_duplicate_ids(repo))
    return CheckResult(sorted(set(found)), checked, _verdicts(ctx.verdicts, found), notes)


def _compile_kinds(policy: Policy, targets: list[tuple[str, str]]) -> None:
    """Read, check and compile the schema of each team kind that `targets` hold a document
    or a definition file (schema, template) of, or of every kind when they hold
    triad.yaml: a bad one is a ConfigError now, as when the policy compiles them all."""
    kinds = {kind for kind, _ in targets}
    files = {path for kind, path in targets if kind == "policy"}
    for kind in policy.kinds.values():
        if POLICY_PATH in files or kind.id in kinds or files.intersection(kind.files):
            kind.schema  # noqa: B018  (compiled now, so that an error surfaces here)


def _verdicts(verdicts: dict[str, str], found: list[Finding]) -> dict[str, str]:
    """A card with errors of its own (not about its targets) gets no verdict on its
    targets, but a word about its errors: 'meets targets' under a refused card would read
    as a pass."""
    errors: dict[str, int] = defaultdict(int)
    for f in found:
        if f.blocks and f.rule not in VERDICT_RULES:
            errors[f.path] += 1
    return {
        path: (
            f"{errors[path]} error{'s' if errors[path] != 1 else ''} above; targets are "
            "judged once the card is valid"
            if errors[path]
            else verdict
        )
        for path, verdict in verdicts.items()
    }


ROLES = ("ml-engineer", "product-manager", "domain-expert")


def default_policy() -> Policy:
    """The policy `mltriad init` starts from, with no members yet: for files checked by path
    in a folder that has no triad.yaml."""
    return Policy(
        roles={role: Role(role, ()) for role in ROLES},
        paths=path_globs(DEFAULT_PATHS),
        require={
            "model-card": ROLES,
            "decision": ROLES[:2],
            "eval-set": ROLES[1:],
            "glossary": ROLES,
            "policy": ROLES,
        },
        sections=dict(DEFAULT_SECTIONS),
    )


def _without_policy(
    root: Path, paths: Sequence[str]
) -> tuple[Repository, list[tuple[str, str]], list[str]]:
    """Repository, targets and a note for `paths` checked where there is no triad.yaml.

    Without a policy there is no repository to resolve paths against, so the folder that
    holds them all is the root; when the decision records found are in one folder, that
    folder is the decision log (so supersede links and numbers resolve among them).
    """
    given = [_absolute(p) for p in paths]
    if not all(_inside(p, root) for p in given):
        root = Path(os.path.commonpath([p if p.is_dir() else p.parent for p in given]))
    policy = default_policy()
    repo = Repository(WorkTree(root), policy)
    targets = _targets(repo, root, paths)
    folders = {posixpath.dirname(p) for kind, p in targets if kind == "decision"}
    log = ""
    if len(folders) == 1:
        log = folders.pop()
        glob = (_glob_escape(log) + "/" if log else "") + "*.md"
        policy = replace(policy, paths={**policy.paths, "decisions": (glob,)})
        repo = Repository(WorkTree(root), policy)
    note = (
        f"no {POLICY_PATH} in {root}: checked with the default policy (roles "
        f"{', '.join(ROLES)}, none with members yet"
        + (f"; decision records in {log or '.'}/" if log else "")
        + "); `mltriad init` writes a triad.yaml to change it"
    )
    return repo, targets, [note]


def _absolute(given: str) -> Path:
    """`given` as an absolute path, its folder resolved but not the file itself: whether a
    symlink may be read (not out of the repository, not in a loop) is the snapshot's call."""
    folder, name = os.path.split(os.path.abspath(given))
    return Path(os.path.realpath(folder)) / name


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _glob_escape(path: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in path)


def _targets(repo: Repository, root: Path, paths: Iterable[str]) -> list[tuple[str, str]]:
    """(kind, path) of what `paths` name: governed artifacts, and files outside the policy's
    globs whose content is a record or model card (in mltriad's or another tool's format)."""
    targets: list[tuple[str, str]] = []
    seen: set[str] = set()
    for given in paths:
        full = _absolute(given)
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
            candidates += _ungoverned(repo, prefix, set(candidates))
        elif full.exists() or full.is_symlink():
            candidates = [rel]
        else:
            raise MltriadError(f"'{given}' does not exist", hint="Check the path and try again.")
        for path in candidates:
            kind = repo.kind_of(path) or _detected_kind(repo, path)
            if kind is not None and path not in seen:
                seen.add(path)
                targets.append((kind, path))
    return targets


def _ungoverned(repo: Repository, prefix: str, governed: set[str]) -> list[str]:
    """Files under `prefix` that no glob of the policy locates, of a kind `formats` reads."""

    return [
        p
        for p in repo.snapshot.glob(prefix + "**/*")
        if p.lower().endswith(SUFFIXES) and p not in governed and repo.kind_of(p) is None
    ]


def _detected_kind(repo: Repository, path: str) -> str | None:
    """The kind of a file outside the policy's globs, from its content (None if neither)."""

    if path == POLICY_PATH or path.startswith(repo.policy.signoff_dir + "/"):
        return None
    try:
        raw = repo.snapshot.read_bytes(path, repo.policy.max_file_bytes)
    except (ParseError, OSError):
        return None
    return detect_kind(path, raw)


def _two_kinds(repo: Repository, checked: list[str]) -> Iterable[Finding]:
    """MT221 for each checked file that the globs of more than one kind match."""
    for path in checked:
        kinds = repo.kinds_of(path)
        if len(kinds) > 1:
            globs = "; ".join(f"{k}: {repo.policy.globs_text(k)}" for k in kinds)
            yield finding(
                TWO_KINDS,
                path,
                f"the paths of {len(kinds)} kinds match this file ({globs}); it is checked "
                f"as a {kinds[0]} only: narrow the paths in {POLICY_PATH} so that it is one kind",
                1,
                1,
            )


def _duplicate_ids(repo: Repository) -> Iterable[Finding]:
    for kind in ("model-card", "eval-set", *repo.policy.kinds):
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
