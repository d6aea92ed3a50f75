"""GitLab CI as the gate sees it: the variables of a pipeline, the merge commit of a merged
results pipeline, and gitlab-ci-local, which runs a .gitlab-ci.yml here for real.

GitLab's servers cannot run here. What they give a job is recorded from GitLab's
documentation of its predefined variables: a merge request pipeline has
CI_PIPELINE_SOURCE=merge_request_event and the CI_MERGE_REQUEST_* variables, and no
CI_COMMIT_BRANCH; a merged results pipeline runs on a merge commit GitLab built
(refs/merge-requests/IID/merge) whose parents are the target's and the source's tips.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import yaml

from tests.helpers import ROOT, git

NULL_SHA = "0" * 40
GITLAB_BOT = ("GitLab", "noreply@gitlab.example.com")
JOB_FILE = ".gitlab/ci/mltriad.gitlab-ci.yml"


def merged_results_commit(repo: Path, source: str = "change", target: str = "main") -> str:
    """Build and check out (detached) the merge commit GitLab makes for a merged results
    pipeline, as the runner checks it out; returns its id."""
    source_sha = git(repo, "rev-parse", source).strip()
    git(repo, "checkout", "-q", "--detach", target)
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        f"Merge branch '{source}' into '{target}'",
        source_sha,
        env={
            "GIT_AUTHOR_NAME": GITLAB_BOT[0],
            "GIT_AUTHOR_EMAIL": GITLAB_BOT[1],
            "GIT_COMMITTER_NAME": GITLAB_BOT[0],
            "GIT_COMMITTER_EMAIL": GITLAB_BOT[1],
        },
    )
    merge = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "update-ref", "refs/merge-requests/1/merge", merge)
    return merge


def merge_request_variables(
    repo: Path,
    *,
    merged_results: bool = False,
    source: str = "change",
    target: str = "main",
    iid: str = "1",
) -> dict[str, str]:
    """What GitLab gives a job of a merge request pipeline of `source` into `target`. With
    `merged_results`, the merge commit is built and checked out first (see above)."""
    source_sha = git(repo, "rev-parse", source).strip()
    target_sha = git(repo, "rev-parse", target).strip()
    diff_base = git(repo, "merge-base", target_sha, source_sha).strip()
    variables = {
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_DEFAULT_BRANCH": "main",
        "CI_COMMIT_REF_NAME": source,
        "CI_COMMIT_BEFORE_SHA": NULL_SHA,
        "CI_MERGE_REQUEST_IID": iid,
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": source,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": target,
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": diff_base,
        # Only merged results pipelines have these; GitLab sets them empty otherwise.
        "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": "",
        "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": "",
    }
    if merged_results:
        commit = merged_results_commit(repo, source, target)
        variables.update(
            {
                "CI_MERGE_REQUEST_EVENT_TYPE": "merged_result",
                "CI_MERGE_REQUEST_REF_PATH": f"refs/merge-requests/{iid}/merge",
                "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA": source_sha,
                "CI_MERGE_REQUEST_TARGET_BRANCH_SHA": target_sha,
                "CI_COMMIT_SHA": commit,
            }
        )
    else:
        git(repo, "checkout", "-q", "--detach", source_sha)
        variables.update(
            {
                "CI_MERGE_REQUEST_EVENT_TYPE": "detached",
                "CI_MERGE_REQUEST_REF_PATH": f"refs/merge-requests/{iid}/head",
                "CI_COMMIT_SHA": source_sha,
            }
        )
    return variables


def branch_variables(repo: Path, branch: str, before: str = NULL_SHA) -> dict[str, str]:
    """What GitLab gives a job of a branch pipeline (a push to `branch`, no merge request)."""
    return {
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "push",
        "CI_DEFAULT_BRANCH": "main",
        "CI_COMMIT_BRANCH": branch,
        "CI_COMMIT_REF_NAME": branch,
        "CI_COMMIT_BEFORE_SHA": before,
        "CI_COMMIT_SHA": git(repo, "rev-parse", branch).strip(),
    }


# -- gitlab-ci-local ----------------------------------------------------------------------------
def gitlab_ci_local() -> str | None:
    """The gitlab-ci-local that .ci/run installs (or one on PATH); None when absent."""
    local = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "gitlab-ci-local"
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("gitlab-ci-local")


def strip_images(path: Path) -> list[str]:
    """Remove `image:` from the jobs of the pipeline file at `path` (gitlab-ci-local runs a
    job that names no image with its shell executor, without Docker); the jobs changed."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    changed = [
        name
        for name, job in data.items()
        if isinstance(job, dict) and job.pop("image", None) is not None
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return changed
