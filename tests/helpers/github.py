"""GitHub Actions as the gate sees it: the merge commit of a pull request and its event."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import git


def github_merge(repo: Path, branch: str = "change") -> tuple[str, str]:
    """Check out the merge commit GitHub builds for a pull request of `branch` into main
    (refs/pull/N/merge, as actions/checkout does); returns (base, head)."""
    head = git(repo, "rev-parse", branch).strip()
    base = git(repo, "rev-parse", "main").strip()
    git(repo, "checkout", "-q", "--detach", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", f"Merge {head} into {base}", head)
    return base, head


def pull_request_env(
    folder: Path, base: str, head: str, *, summary: Path | None = None
) -> dict[str, str]:
    """The variables of a `pull_request` run from `head` into main at `base`; its event
    payload is written to `folder`, and the step summary goes to `summary` if given."""
    event = folder / "event.json"
    event.write_text(
        json.dumps(
            {
                "action": "synchronize",
                "number": 7,
                "pull_request": {
                    "number": 7,
                    "base": {"ref": "main", "sha": base},
                    "head": {"ref": "change", "sha": head},
                },
            }
        ),
        encoding="utf-8",
    )
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
    }
    if summary is not None:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    return env
