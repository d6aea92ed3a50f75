"""`mltriad status`: the sign-off matrix of the working tree, for what the branch changes
(as the gate sees it) or, with `every`, for every artifact."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mltriad.errors import GitError
from mltriad.findings import ParseError
from mltriad.gitrepo import GitRepo
from mltriad.matrix import Row, changed_since, signoff_matrix, with_commits
from mltriad.policy import Policy, base_policy, read_policy
from mltriad.snapshot import WorkTree


@dataclass
class StatusResult:
    rows: list[Row]
    policy: Policy
    base: str | None = None
    notes: list[str] = field(default_factory=list)
    every: bool = False


def working_tree_status(
    root: Path, base: str | None = None, *, every: bool = False
) -> StatusResult:
    """The sign-off state of the working tree.

    By default, as the gate sees it: the artifacts changed since the merge base with
    `base` (default: the gate's default base, origin/HEAD, main or master), judged by the
    base's policy. With `every`, or where there is no base to compare with (no git
    repository, no commit yet, no such branch), every artifact, judged by the working
    tree's policy."""
    tree = WorkTree(root)
    try:
        repo = GitRepo.open(root)
    except GitError:
        if base is not None:
            raise
        return _every(tree, "this folder is not in a git repository")
    with repo:
        head = repo.resolve("HEAD") if repo.exists("HEAD") else None
        if not every and base is None:
            base = repo.default_base() if head is not None else None
        if every or base is None or head is None:
            why = (
                "--all"
                if every
                else "there is no commit yet"
                if head is None
                else "there is no origin/HEAD, main or master branch to compare with (pass --base)"
            )
            return _every(tree, why, repo)
        base_sha = repo.resolve(base, what="base")
        fork = repo.merge_base(base_sha, head)
        policy = base_policy(repo.tree(base_sha, f"base {base} ({base_sha[:12]})"))
        needs = changed_since(repo.tree(fork, f"merge base {fork[:12]}"), tree, policy)
        rows = signoff_matrix(tree, policy, needs, verify_signatures=True)
        rows = with_commits(rows, _committed_as_is(repo, root))
    notes = [
        f"{len(rows)} artifact(s) changed since the merge base {fork[:12]} with {base}, "
        f"as the gate sees them; roles and members from triad.yaml at {base}."
    ]
    if not rows:
        notes.append("`mltriad status --all` shows every artifact and who must still sign it.")
    return StatusResult(rows, policy, base, notes)


def _every(tree: WorkTree, why: str, repo: GitRepo | None = None) -> StatusResult:
    policy, _findings = read_policy(tree)
    rows = signoff_matrix(tree, policy, verify_signatures=True)
    if repo is not None and repo.exists("HEAD"):
        rows = with_commits(rows, _committed_as_is(repo, tree.root))
    note = f"{len(rows)} artifact(s) in the working tree, every one ({why})."
    return StatusResult(rows, policy, None, [note], every=True)


def _committed_as_is(repo: GitRepo, root: Path) -> Callable[[list[str]], dict[str, str]]:
    """The commits that last wrote records the working tree holds as committed."""

    def commits_of(paths: list[str]) -> dict[str, str]:
        head = repo.tree(repo.resolve("HEAD"), "HEAD")
        same = []
        for path in paths:
            try:
                if head.exists(path) and (root / path).read_bytes() == head.read_bytes(path):
                    same.append(path)
            except (OSError, ParseError):
                continue
        return repo.last_commits(same)

    return commits_of
