"""Gather what the site shows from the same parsed data and findings as `mltriad check`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mltriad.artifacts import Artifact, Repository, digest_bytes
from mltriad.commands.check import check
from mltriad.commands.history import repository_histories
from mltriad.errors import GitError
from mltriad.evalsets import EvalSet, ownership
from mltriad.findings import ParseError
from mltriad.gitrepo import GitRepo
from mltriad.glossary import glossary_of
from mltriad.matrix import signoff_matrix
from mltriad.policy import Policy, read_policy
from mltriad.site.views import Commit, Site, Verdict
from mltriad.snapshot import Snapshot, WorkTree
from mltriad.targets import FAIL, MISSING, STALE, TargetRow, evaluate_targets, verdict

VERDICT_LABELS = {
    "meets": "Meets targets",
    FAIL: "Misses targets",
    STALE: "Stale results",
    MISSING: "Results missing",
    "none": "No targets",
    "invalid": "Unreadable",
}


def collect(root: Path) -> Site:
    """Check the repository at `root` and read every artifact the pages need.

    Raises ConfigError when triad.yaml is missing or invalid, as `check` does.
    """
    snapshot = WorkTree(root)
    policy, _ = read_policy(snapshot)
    repo = Repository(snapshot, policy)
    models = _load(repo, "model-card")
    # The history's pass runs in a thread while the rest is gathered and the pages are
    # rendered: most of its time is git's (`log`, then `cat-file`), in processes of their
    # own, so it overlaps on a second core. A page that shows history joins it.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mltriad-history")
    pending = pool.submit(
        repository_histories, root, policy, [card.path for card in models if card.doc]
    )
    pool.shutdown(wait=False)
    result = check(root)
    eval_sets = _load(repo, "eval-set")
    targets = {card.path: evaluate_targets(card, repo) for card in models if card.doc}
    return Site(
        repo=repo,
        policy=policy,
        findings=result.findings,
        models=models,
        decisions=_load(repo, "decision"),
        eval_sets=eval_sets,
        targets=targets,
        verdicts={card.path: model_verdict(card, targets.get(card.path)) for card in models},
        ownership={
            e.path: ownership(EvalSet.from_artifact(e), policy)
            for e in eval_sets
            if e.doc is not None
        },
        signoffs=signoff_matrix(snapshot, policy, verify_signatures=True),
        commit=built_commit(root, snapshot, policy),
        glossary_files=_load(repo, "glossary"),
        glossary=glossary_of(repo),
        kinds={kind: _load(repo, kind) for kind in policy.kinds},
        history_source=pending.result,
    )


def _load(repo: Repository, kind: str) -> list[Artifact]:
    return [repo.load(path, kind) for path in repo.paths(kind)]


def model_verdict(card: Artifact, rows: list[TargetRow] | None) -> Verdict:
    """The badge a model gets for its targets, and the sentence `check` prints for it."""
    if card.doc is None or rows is None:
        return Verdict("invalid", VERDICT_LABELS["invalid"])
    statuses = {row.status for row in rows}
    if not rows:
        state = "none"
    else:
        state = next((s for s in (FAIL, STALE, MISSING) if s in statuses), "meets")
    sentence = verdict(rows)
    return Verdict(state, VERDICT_LABELS[state], sentence[:1].upper() + sentence[1:])


def built_commit(root: Path, snapshot: Snapshot, policy: Policy) -> Commit | None:
    """HEAD of the repository at `root`, and whether any governed file (artifact, sign-off
    record, triad.yaml) differs from it; None outside git or before the first commit."""

    try:
        with GitRepo.open(root) as git:
            sha = git.resolve("HEAD")
            head = git.tree(sha, "HEAD")
            return Commit(
                sha, dirty=_differs(Repository(snapshot, policy), Repository(head, policy))
            )
    except GitError:
        return None


def _differs(work: Repository, head: Repository) -> bool:
    paths = {p for _, p in work.all_paths()}
    if paths != {p for _, p in head.all_paths()}:
        return True
    return any(_digest(work.snapshot, p) != _digest(head.snapshot, p) for p in sorted(paths))


def _digest(snapshot: Snapshot, path: str) -> str:
    try:
        return digest_bytes(snapshot.read_bytes(path, 1 << 40))
    except (ParseError, OSError):
        return "unreadable"
