"""What `mltriad init` did, for people: each file and the next steps."""

from __future__ import annotations

from mltriad.commands.init import InitResult
from mltriad.templates import APPENDED, CREATED, KEPT, OVERWRITTEN, SKIPPED, UNCHANGED


def describe_init(result: InitResult, shown: str) -> list[str]:
    """What `init` did, for people: the files by what happened to them, then next steps."""
    lines: list[str] = []
    if result.git_initialised and result.inside is not None:
        lines.append(
            f"Initialised a git repository of its own in {shown}: it is inside the git "
            f"repository at {result.inside}, and the example's commits belong in the "
            "example, not there."
        )
    elif result.git_initialised and result.history:
        lines.append(
            f"Initialised a git repository in {shown} (it was not in one), with the example's "
            f"history in {result.history} commits (`mltriad history "
            "model-cards/fraud-detector.md` shows its versions); today's files are left to "
            "commit."
        )
    elif result.git_initialised:
        lines.append(f"Initialised a git repository in {shown} (it was not in one).")
    elif result.git_missing:
        lines.append(
            f"git is not installed, so {shown} is not a git repository yet; install "
            "git and run `git init` there."
        )
    if not result.changed:
        lines.append(f"Nothing to do: no file in {shown} was changed.")
    groups = (
        (CREATED, "Created"),
        (OVERWRITTEN, "Overwritten (--force)"),
        (APPENDED, "Added to"),
        (SKIPPED, "Skipped, because they exist and differ (--force overwrites them)"),
        (KEPT, "Left as they are, never overwritten (add what the note says)"),
    )
    for action, title in groups:
        files = sorted(result.having(action), key=lambda f: f.path)
        if files:
            lines.append(f"{title}:")
            lines.extend(f"  {f.path}" + (f"  ({f.note})" if f.note else "") for f in files)
    unchanged = len(result.having(UNCHANGED))
    if unchanged:
        lines.append(f"{unchanged} file(s) were already as `mltriad init` writes them.")
    lines.extend(_toplevel_note(result))
    if result.changed:
        lines.extend(_next_steps(shown, result.example, result.ci.name))
    return lines


def _toplevel_note(result: InitResult) -> list[str]:
    if result.toplevel is None or result.toplevel == result.root.resolve():
        return []
    if result.ci.name == "gitlab":
        return [
            f"Note: {result.root} is inside the git repository at {result.toplevel}; GitLab "
            "and pre-commit read .gitlab-ci.yml and .pre-commit-config.yaml only at its top, "
            "so move them (and .gitlab/) there, and add `cd` to the folder in the job's "
            "script."
        ]
    return [
        f"Note: {result.root} is inside the git repository at {result.toplevel}; GitHub and "
        "pre-commit read .github/ and .pre-commit-config.yaml only at its top, so move them "
        "there (and set the workflow's working-directory)."
    ]


def _next_steps(shown: str, example: bool, ci: str) -> list[str]:
    where = "" if shown in (".", "") else f" in {shown}"
    roster = (
        f"Replace the example people in triad.yaml{where} with your team"
        if example
        else f"Fill in the roster: add the people of each role to triad.yaml{where}"
    )
    return [
        "Next steps:",
        f"  1. {roster}, with the email each of them commits with.",
        "  2. Install the hooks: `pre-commit install` (checks on commit, the gate before push).",
        _REVIEW_STEP[ci],
    ]


_REVIEW_STEP = {
    "github": "  3. Commit, push a branch and open a pull request: the check `mltriad-gate` runs "
    "on it; make it required in branch protection (README.md says how).",
    "gitlab": "  3. Commit, push a branch and open a merge request: the job `mltriad-gate` runs "
    "in its pipeline; turn on Pipelines must succeed (README.md says how).",
}
