"""Which commits the gate compares: --base and --head, GitHub's event, or GitLab's variables.

Inside CI the gate finds base and head itself, from what the CI service says about the
change under review (trusted: it comes from GitHub or GitLab, not from the branch), and
checks it against the clone (the branch's content is not trusted). When the clone cannot
answer (shallow, a commit missing, a ref that is not there) it is a GitError (exit 2) whose
hint names the fix for that CI service: never a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mltriad.errors import GitError, MltriadError
from mltriad.gitrepo import FETCH_HINT, GitRepo, is_null

_COMMIT_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")

GITLAB_FETCH_HINT = (
    "GitLab clones 20 or 50 commits by default (GIT_DEPTH), and the gate needs the full "
    "history: set `GIT_DEPTH: 0` in the job's `variables:` (`variables: {GIT_DEPTH: 0}`; "
    "with `GIT_STRATEGY: clone` as well), then run the pipeline again."
)


def fetch_hint(env: Mapping[str, str]) -> str:
    """How to get the full history in the CI service the gate runs in."""
    return GITLAB_FETCH_HINT if env.get("GITLAB_CI") == "true" else FETCH_HINT


@dataclass(frozen=True)
class Refs:
    """What to compare, and where that choice came from."""

    base: str
    head: str
    source: str
    suggest_base: str  # what a person would pass as --base on their own clone
    merged: str | None = None  # the merge commit that `head` is the second parent of
    # A push's `before` must be an ancestor of what is pushed: otherwise history was
    # rewritten (a force-push) and the difference says nothing about what changed.
    fast_forward: bool = False
    resolved_base: str = ""  # the base's full ref name, once resolved (refs/remotes/...)
    note: str = ""  # what a person should know about this choice, for the gate's notes

    def base_label(self) -> str:
        """'origin/main (refs/remotes/origin/main)', or the base as given."""
        if self.resolved_base and self.resolved_base != self.base:
            return f"{self.base} ({self.resolved_base})"
        return self.base


def choose_refs(repo: GitRepo, base: str | None, head: str | None, env: Mapping[str, str]) -> Refs:
    """--base/--head when given; as pre-commit's pre-push hook, what is pushed; inside
    GitHub Actions the event's; inside GitLab CI the pipeline's variables; else the
    default branch.
    """
    pushed = pushed_commit(env)
    if head is None and pushed:
        head = pushed
    if base:
        return Refs(base, head or "HEAD", "--base", base)
    if env.get("PRE_COMMIT_REMOTE_BRANCH") or pushed:
        return pre_push_refs(repo, head or "HEAD", env)
    if env.get("GITHUB_ACTIONS") == "true":
        return github_refs(repo, head, env)
    if env.get("GITLAB_CI") == "true":
        return gitlab_refs(repo, head, env)
    candidate = repo.default_base()  # an ambiguous one is an error, not a skip
    if candidate is not None:
        return Refs(candidate, head or "HEAD", f"default base {candidate}", candidate)
    raise _no_base_error()


def _no_base_error() -> MltriadError:
    return MltriadError(
        "there is no --base, and no origin/HEAD, main or master branch to compare with",
        hint="Pass --base with the branch this change will "
        "merge into, for example `mltriad gate --base origin/main`.",
    )


def pushed_commit(env: Mapping[str, str]) -> str:
    """What pre-commit's pre-push hook says is pushed: PRE_COMMIT_TO_REF (the local commit
    pushed) or, when the push includes the root commit and pre-commit sets no to-ref,
    PRE_COMMIT_LOCAL_BRANCH (the local ref pushed); "" outside a push."""
    to_ref = env.get("PRE_COMMIT_TO_REF", "")
    if to_ref.strip("0"):
        return to_ref
    return env.get("PRE_COMMIT_LOCAL_BRANCH", "")


def pre_push_refs(repo: GitRepo, head: str, env: Mapping[str, str]) -> Refs:
    """Base and head of a push through pre-commit's pre-push hook, as mltriad's own
    pre-push hook chooses them: a ref the remote already has is compared with the remote's
    commit of it (PRE_COMMIT_FROM_REF), so the gate judges the commits this push adds; a
    ref that is new on the remote (and a push that includes the root commit, for which
    pre-commit sets no from-ref) is compared with the remote's default branch, as its pull
    request will be."""
    remote = env.get("PRE_COMMIT_REMOTE_NAME", "") or "origin"
    target = env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    short = target.removeprefix("refs/heads/")
    local = env.get("PRE_COMMIT_LOCAL_BRANCH", "") or head
    what = f"pre-push of {local} to {remote} {target or '(unknown ref)'}"
    from_ref = env.get("PRE_COMMIT_FROM_REF", "")
    known = bool(short) and repo.exists(f"refs/remotes/{remote}/{short}")
    if from_ref.strip("0") and (known or not target):
        return Refs(
            from_ref,
            head,
            f"{what}: the remote's commit (PRE_COMMIT_FROM_REF)",
            f"{remote}/{short}",
        )
    for candidate in (f"{remote}/HEAD", f"{remote}/main", f"{remote}/master", "main", "master"):
        repo.full_name(candidate, what="default base")  # an ambiguous name is an error
        if repo.exists(candidate):
            return Refs(
                candidate,
                head,
                f"{what}: new on the remote, compared with its default branch {candidate}",
                candidate,
            )
    raise _no_base_error()


def github_refs(repo: GitRepo, head: str | None, env: Mapping[str, str]) -> Refs:
    """Base and head from the GitHub Actions event that started the workflow."""
    name = env.get("GITHUB_EVENT_NAME", "")
    event = _event(env.get("GITHUB_EVENT_PATH"))
    if name in ("pull_request", "pull_request_target"):
        pull = _mapping(event.get("pull_request"))
        target = _mapping(pull.get("base")).get("ref")
        suggest = f"origin/{target}" if isinstance(target, str) else "origin/main"
        base_sha = _mapping(pull.get("base")).get("sha")
        head_sha = _mapping(pull.get("head")).get("sha")
        if head is None and _merges(repo, head_sha):
            return Refs(
                "HEAD^1", "HEAD^2", f"{name} event: the merge commit's parents", suggest, "HEAD"
            )
        if not isinstance(base_sha, str):
            raise _event_error(name, "pull_request.base.sha")
        return Refs(
            base_sha,
            head or (head_sha if isinstance(head_sha, str) else "HEAD"),
            f"{name} event: pull_request.base.sha",
            suggest,
        )
    if name == "merge_group":
        group = _mapping(event.get("merge_group"))
        base_sha, head_sha = group.get("base_sha"), group.get("head_sha")
        if not isinstance(base_sha, str):
            raise _event_error(name, "merge_group.base_sha")
        target = str(group.get("base_ref", "refs/heads/main")).removeprefix("refs/heads/")
        return Refs(
            base_sha,
            head or (head_sha if isinstance(head_sha, str) else "HEAD"),
            "merge_group event: merge_group.base_sha",
            f"origin/{target}",
        )
    if name == "push":
        before, after = event.get("before"), event.get("after")
        if not isinstance(before, str):
            raise _event_error(name, "before")
        if is_null(before):
            raise MltriadError(
                "this push created the branch, so there is no previous commit to compare with",
                hint="Pass --base with the branch it will merge into.",
            )
        ref = str(event.get("ref", "refs/heads/main")).removeprefix("refs/heads/")
        return Refs(
            before,
            head or (after if isinstance(after, str) else "HEAD"),
            "push event: before",
            f"origin/{ref}",
            fast_forward=True,
        )
    raise MltriadError(
        f"inside GitHub Actions the gate reads base and head from the "
        f"pull_request, merge_group or push event, not from '{name or 'none'}'",
        hint="Run the workflow on those events, or pass --base and --head.",
    )


def _event(path: str | None) -> dict[str, Any]:
    if not path:
        raise MltriadError(
            "GITHUB_EVENT_PATH is not set, so the event cannot be read",
            hint="Pass --base and --head.",
        )
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise MltriadError(
            f"the event file {path} cannot be read ({exc})", hint="Pass --base and --head."
        ) from None
    return data if isinstance(data, dict) else {}


def _merges(repo: GitRepo, head_sha: object) -> bool:
    """Whether HEAD is the merge commit GitHub builds for the pull request: two parents,
    the second the pull request's head. Any other merge commit (the pull request's own
    head, or the base branch checked out by pull_request_target) names parents its
    author chose, so the event's shas are used instead."""
    parents = repo.parents(repo.resolve("HEAD"))
    return (
        isinstance(head_sha, str) and len(parents) == 2 and parents[1] == head_sha.lower().strip()
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _event_error(name: str, key: str) -> MltriadError:
    return MltriadError(f"the {name} event has no {key}", hint="Pass --base and --head.")


# -- GitLab CI --------------------------------------------------------------------------------
def gitlab_refs(repo: GitRepo, head: str | None, env: Mapping[str, str]) -> Refs:
    """Base and head from GitLab's predefined variables.

    A merge request pipeline has CI_MERGE_REQUEST_IID. In a merged results (or merge
    train) pipeline GitLab built a merge commit (CI_COMMIT_SHA) of the source branch
    (CI_MERGE_REQUEST_SOURCE_BRANCH_SHA) into the target (CI_MERGE_REQUEST_TARGET_BRANCH_SHA):
    the gate judges that commit, what will land. In a plain merge request pipeline GitLab
    names no target tip, so the base is the diff base (CI_MERGE_REQUEST_DIFF_BASE_SHA, where
    the merge request's diff starts) and the head CI_COMMIT_SHA. A branch pipeline without
    a merge request compares with the default branch (CI_DEFAULT_BRANCH); on the default
    branch itself, with the push's previous tip (CI_COMMIT_BEFORE_SHA).
    """
    if env.get("CI_MERGE_REQUEST_IID"):
        return _merge_request_refs(repo, head, env)
    branch = env.get("CI_COMMIT_BRANCH", "")
    default = env.get("CI_DEFAULT_BRANCH", "")
    if not branch:
        what = f"tag {env['CI_COMMIT_TAG']}" if env.get("CI_COMMIT_TAG") else "no branch"
        raise MltriadError(
            f"inside GitLab CI the gate reads base and head from a merge request pipeline or "
            f"a branch pipeline, not from this {env.get('CI_PIPELINE_SOURCE') or 'unknown'} "
            f"pipeline for {what}",
            hint="Run the job in merge request pipelines "
            '(`rules: [{if: $CI_PIPELINE_SOURCE == "merge_request_event"}]`), or pass '
            "--base and --head.",
        )
    if not default:
        raise MltriadError(
            "CI_DEFAULT_BRANCH is not set, so the gate does not know what this branch "
            "pipeline compares with",
            hint="Pass --base with the branch the change will merge into.",
        )
    before = env.get("CI_COMMIT_BEFORE_SHA", "")
    if branch == default and before and not is_null(before):
        # A push to the default branch: what the push changed, as for GitHub's push event.
        return Refs(
            _commit_variable(repo, env, "CI_COMMIT_BEFORE_SHA"),
            head or _head_variable(repo, env),
            "GitLab branch pipeline: CI_COMMIT_BEFORE_SHA",
            f"origin/{default}",
            fast_forward=True,
        )
    for candidate in (f"origin/{default}", default):
        repo.full_name(candidate, what="default branch")  # an ambiguous name is an error
        if repo.exists(candidate):
            return Refs(
                candidate,
                head or _head_variable(repo, env),
                f"GitLab branch pipeline: the default branch (CI_DEFAULT_BRANCH {default})",
                f"origin/{default}",
            )
    raise GitError(
        f"this is a branch pipeline for {branch} without a merge request, and the default "
        f"branch {default} (CI_DEFAULT_BRANCH) is not in this clone: GitLab fetches only "
        "the pipeline's own branch",
        hint=f"Fetch it before the gate (`git fetch origin {default}`, with `GIT_DEPTH: 0`), "
        "or run the gate in merge request pipelines "
        '(`rules: [{if: $CI_PIPELINE_SOURCE == "merge_request_event"}]`).',
    )


def _merge_request_refs(repo: GitRepo, head: str | None, env: Mapping[str, str]) -> Refs:
    target = env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or env.get("CI_DEFAULT_BRANCH")
    suggest = f"origin/{target}" if target else "origin/main"
    iid = env["CI_MERGE_REQUEST_IID"]
    commit = _head_variable(repo, env)
    if env.get("CI_MERGE_REQUEST_TARGET_BRANCH_SHA"):
        # Merged results or a merge train: GitLab merged the branch into the target.
        target_sha = _commit_variable(repo, env, "CI_MERGE_REQUEST_TARGET_BRANCH_SHA")
        source = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", "")
        source_sha = (
            _commit_variable(repo, env, "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") if source else ""
        )
        if head is None and source_sha and repo.parents(commit) == (target_sha, source_sha):
            return Refs(
                target_sha,
                source_sha,
                f"GitLab merged results pipeline of !{iid}: the merge commit's parents",
                suggest,
                merged=commit,
            )
        # Any other commit (a merge train's, built on the merge requests ahead of this
        # one): what lands is that commit, compared with the target branch.
        return Refs(
            target_sha,
            head or commit,
            f"GitLab merge request pipeline of !{iid}: CI_MERGE_REQUEST_TARGET_BRANCH_SHA",
            suggest,
        )
    if not env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"):
        raise MltriadError(
            f"the merge request pipeline of !{iid} has neither "
            "CI_MERGE_REQUEST_TARGET_BRANCH_SHA nor CI_MERGE_REQUEST_DIFF_BASE_SHA, so the "
            "gate does not know what the merge request is compared with",
            hint=f"Pass --base (for example `--base {suggest}`, fetched first), or run the "
            "job on a GitLab that sets CI_MERGE_REQUEST_DIFF_BASE_SHA (13.7 or later).",
        )
    diff_base = _commit_variable(repo, env, "CI_MERGE_REQUEST_DIFF_BASE_SHA")
    if not repo.is_ancestor(diff_base, commit):
        raise GitError(
            f"CI_MERGE_REQUEST_DIFF_BASE_SHA ({diff_base[:12]}) is not an ancestor of "
            f"CI_COMMIT_SHA ({commit[:12]}), so it is not where the merge request's diff "
            "starts, and the gate cannot decide",
            hint="Run the pipeline again from the merge request; if it persists, pass --base "
            f"and --head (for example `--base {suggest} --head {commit[:12]}`).",
        )
    return Refs(
        diff_base,
        head or commit,
        f"GitLab merge request pipeline of !{iid}: CI_MERGE_REQUEST_DIFF_BASE_SHA",
        suggest,
        note=f"GitLab names no tip of {target or 'the target branch'} in this pipeline, so "
        "the change is judged from where the merge request's diff starts, with the policy "
        "there; turn on merged results pipelines so that the gate judges what will land.",
    )


def _head_variable(repo: GitRepo, env: Mapping[str, str]) -> str:
    """CI_COMMIT_SHA, the commit the pipeline runs for; HEAD when GitLab did not say."""
    if not env.get("CI_COMMIT_SHA"):
        return "HEAD"
    return _commit_variable(repo, env, "CI_COMMIT_SHA")


def _commit_variable(repo: GitRepo, env: Mapping[str, str], name: str) -> str:
    """The commit id a GitLab variable holds; exit 2 with the fix when it is not a full
    commit id, or when the clone does not have that commit."""
    value = env.get(name, "").strip().lower()
    if not _COMMIT_ID.match(value):
        raise MltriadError(
            f"{name} is '{env.get(name, '')}', not a full commit id",
            hint="Do not override GitLab's predefined variables; run the pipeline again "
            "from the merge request, or pass --base and --head.",
        )
    if not repo.exists(value):
        hint = (
            GITLAB_FETCH_HINT
            if repo.is_shallow()
            else "The clone does not have it: set `GIT_DEPTH: 0` in the job's `variables:` "
            "(and check the project's Git refspec under Settings > CI/CD > General "
            f"pipelines), or fetch it before the gate (`git fetch origin {value}`)."
        )
        raise GitError(f"the commit {value[:12]} ({name}) is not in this clone", hint=hint)
    return value
