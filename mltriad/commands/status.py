"""`mltriad status`: the sign-off matrix of the working tree, all of it or what a branch changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mltriad.gitrepo import GitRepo
from mltriad.matrix import Row, changed_since, signoff_matrix
from mltriad.policy import Policy, base_policy, read_policy
from mltriad.snapshot import WorkTree


@dataclass
class StatusResult:
    rows: list[Row]
    policy: Policy
    base: str | None = None
    notes: list[str] = field(default_factory=list)


def working_tree_status(root: Path, base: str | None = None) -> StatusResult:
    """The sign-off state of the working tree: every artifact, or with `base` those
    changed since the merge base with it, judged by the base's policy."""
    tree = WorkTree(root)
    if base is None:
        policy, _findings = read_policy(tree)
        rows = signoff_matrix(tree, policy, verify_signatures=True)
        return StatusResult(rows, policy, None, [f"{len(rows)} artifact(s) in the working tree."])
    with GitRepo.open(root) as repo:
        base_sha = repo.resolve(base, what="base")
        fork = repo.merge_base(base_sha, repo.resolve("HEAD"))
        policy = base_policy(repo.tree(base_sha, f"base {base} ({base_sha[:12]})"))
        needs = changed_since(repo.tree(fork, f"merge base {fork[:12]}"), tree, policy)
        rows = signoff_matrix(tree, policy, needs, verify_signatures=True)
    note = (
        f"{len(rows)} artifact(s) changed since the merge base {fork[:12]} with {base}; "
        f"roles and members from triad.yaml at {base}."
    )
    return StatusResult(rows, policy, base, [note])
