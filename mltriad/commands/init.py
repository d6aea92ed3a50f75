"""`mltriad init`: scaffold a governed repository from the templates.

It adds what is missing and never replaces a file without `--force` (README.md and
CODEOWNERS are only added to); every file goes through `files.write_file`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from mltriad import __version__
from mltriad.artifacts import (
    digest_bytes,
)
from mltriad.commands.hooks import local_config_text
from mltriad.data import data_dir
from mltriad.errors import MltriadError
from mltriad.files import write_file
from mltriad.gitrepo import NewCommit, init_repository, toplevel, write_history
from mltriad.schemas import EDITOR_SCHEMAS, KINDS
from mltriad.templates import (
    APPENDED,
    CREATED,
    KEPT,
    OVERWRITTEN,
    SKIPPED,
    UNCHANGED,
    FileResult,
    render,
    template_dir,
    template_files,
)

README_HEADING = "How the triad works in this repository"


PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
# VS Code's workspace settings: the YAML extension's schema for each kind of YAML file,
# sign-off records included (they carry no modeline: `mltriad signoff` writes them).
VSCODE_SETTINGS = ".vscode/settings.json"
YAML_SCHEMAS = {
    f"{EDITOR_SCHEMAS}/{KINDS['policy']}": ["triad.yaml"],
    f"{EDITOR_SCHEMAS}/{KINDS['eval-set']}": ["eval-sets/**/*.yaml"],
    f"{EDITOR_SCHEMAS}/{KINDS['signoff']}": ["signoffs/**/*.yaml"],
    f"{EDITOR_SCHEMAS}/{KINDS['glossary']}": ["glossary.yaml"],
}


@dataclass(frozen=True)
class CiService:
    """A CI service `init` sets the gate up for: its files (template-repo/ci/NAME/files),
    where it reads CODEOWNERS (in its own order; a new file goes in the first of
    `codeowners_new`), and what it calls a change under review."""

    name: str
    change_request: str
    codeowners_places: tuple[str, ...]
    codeowners_new: str
    # Files init adds when they are missing and never replaces, not even with --force:
    # each holds the user's own pipeline, and the note says what to add to it.
    kept: frozenset[str] = frozenset()


CI_SERVICES = {
    "github": CiService(
        "github",
        "pull request",
        (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"),
        ".github/CODEOWNERS",
    ),
    "gitlab": CiService(
        "gitlab",
        "merge request",
        ("CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"),
        ".gitlab/CODEOWNERS",
        kept=frozenset({".gitlab-ci.yml"}),
    ),
}
GITLAB_JOB_FILE = ".gitlab/ci/mltriad.gitlab-ci.yml"


_README_HEADING = re.compile(
    r"^#{1,6}[ \t]+" + re.escape(README_HEADING) + r"[ \t#]*\r?$", re.IGNORECASE | re.MULTILINE
)


# Hints printed for files `init` found in place and left alone.
_SKIP_HINTS = {
    "mkdocs.yml": "to publish the artifacts, add `- mltriad` under `plugins:`",
    ".pre-commit-config.yaml": "add the hooks mltriad-check and mltriad-gate from "
    "https://github.com/mltriad/mltriad",
    ".gitignore": "add /site/, where `mkdocs build` writes the site",
    ".github/workflows/mltriad.yml": "compare it with a fresh `mltriad init` to pick up changes",
    GITLAB_JOB_FILE: "compare it with a fresh `mltriad init --ci gitlab` to pick up changes",
    ".gitlab-ci.yml": "your pipeline, never overwritten: add the job mltriad-gate to it with "
    f"`include: [{{local: {GITLAB_JOB_FILE}}}]`",
    VSCODE_SETTINGS: "your editor settings, never rewritten: for completion and hover help "
    f'in YAML files, add "yaml.schemas": {json.dumps(YAML_SCHEMAS)} to it',
}
for _name in KINDS.values():  # the schemas init writes for editors, from this mltriad
    _SKIP_HINTS[f"{EDITOR_SCHEMAS}/{_name}"] = (
        "from another mltriad version? `mltriad schema KIND` prints this version's"
    )


def vscode_settings() -> str:
    return json.dumps({"yaml.schemas": YAML_SCHEMAS}, indent=2) + "\n"


@dataclass
class InitResult:
    root: Path
    files: list[FileResult]
    example: bool = False
    ci: CiService = CI_SERVICES["github"]
    git_initialised: bool = False
    git_missing: bool = False
    toplevel: Path | None = None
    inside: Path | None = None  # the repository a new example folder was made inside
    history: int = 0  # commits of the example's history written (a repository init made)

    def having(self, *actions: str) -> list[FileResult]:
        return [f for f in self.files if f.action in actions]

    @property
    def changed(self) -> bool:
        return self.git_initialised or bool(self.having(CREATED, OVERWRITTEN, APPENDED))


def init(
    directory: Path,
    *,
    example: bool = False,
    force: bool = False,
    ci: str = "github",
    hooks: str = "remote",
    kinds: bool = False,
) -> InitResult:
    """Scaffold a governed repository in `directory` (created if needed), with the gate's
    pipeline for the CI service `ci` (github or gitlab) and pre-commit hooks from
    mltriad's repository (`hooks="remote"`) or run by the installed mltriad ("local").

    Adds what is missing and leaves every existing file as it is, unless `force`. README.md
    and CODEOWNERS are only ever added to, and GitLab's .gitlab-ci.yml is never replaced.
    With `kinds` (and with `example`), also the two kinds of the team's own that the
    example ships: their schemas, their templates and the `kinds:` block of triad.yaml,
    which is added to a triad.yaml that has none (and left to the user where it has one).
    Runs `git init` when `directory` is not inside a git work tree, or, with `example`,
    when it is a new or empty folder inside one (the example's commits must not land in
    the enclosing repository); otherwise git is not touched.
    """
    if ci not in CI_SERVICES:
        raise MltriadError(
            f"there is no CI service '{ci}'", hint=f"Use one of: {', '.join(CI_SERVICES)}."
        )
    service = CI_SERVICES[ci]
    fresh = not directory.exists() or (directory.is_dir() and not any(directory.iterdir()))
    root = _prepare_root(directory)
    merge_kinds = kinds  # only --kinds adds to a triad.yaml that exists
    kinds = kinds or example
    result = InitResult(root, [], example=example, ci=service, toplevel=toplevel(root))
    if example and fresh and result.toplevel not in (None, root.resolve()):
        # The example in a new folder inside another repository (a clone of mltriad, say):
        # it gets a repository of its own, so that its commits stay out of that one.
        result.inside, result.toplevel = result.toplevel, None
    if result.toplevel is None:
        result.git_initialised = init_repository(root)
        result.git_missing = not result.git_initialised
        if result.git_initialised:
            result.toplevel = root.resolve()
    templates = template_dir()
    planned = dict(template_files(templates / "base"))
    planned.update(template_files(templates / "ci" / service.name / "files"))
    verbatim = dict(template_files(templates / "kinds")) if kinds else {}
    planned.update(verbatim)  # the kinds' templates hold the fields `mltriad new` fills
    if example:
        planned.update(template_files(templates / "example"))
    # The schemas, for editors: YAML files point at them (`# yaml-language-server:`).
    editor = {f"{EDITOR_SCHEMAS}/{n}": data_dir("schemas") / n for n in KINDS.values()}
    planned.update(editor)
    verbatim.update(editor)  # copies of the packaged schemas, as they are
    planned = _without_needless_keeps(root, planned)
    place = next((p for p in service.codeowners_places if (root / p).is_file()), None)
    lookup = _init_lookup(root, templates, example, service, place or service.codeowners_new, kinds)
    raw = {path: source.read_bytes() for path, source in planned.items()}
    ordered = sorted(raw.items(), key=lambda item: _pin_level(*item))
    # `local`: hooks that run the installed mltriad, for teams whose machines cannot
    # download pre-commit's environments.
    given = {PRE_COMMIT_CONFIG: local_config_text(__version__)} if hooks == "local" else {}
    for path, template in ordered:
        if path in verbatim:
            data = template
        else:
            data = (given.get(path) or render(template.decode("utf-8"), lookup)).encode("utf-8")
        if path in service.kept:
            result.files.append(_keep(root, path, data))
        else:
            placed = _place(root, path, data, force=force)
            if merge_kinds and path == POLICY_FILE and placed.action == SKIPPED:
                placed = _merge_kinds(root, templates)
            result.files.append(placed)
    # An existing settings file is the user's: never rewritten, not even with --force.
    result.files.append(_keep(root, VSCODE_SETTINGS, vscode_settings().encode("utf-8")))
    result.files.append(_merge_codeowners(root, templates, lookup, service, place))
    result.files.append(_merge_readme(root, templates, lookup))
    if example and result.git_initialised:
        result.history = commit_example_history(root, templates)
    return result


POLICY_FILE = "triad.yaml"
KINDS_SNIPPET = "kinds.yaml"


def _kinds_block(templates: Path) -> str:
    return (templates / "snippets" / KINDS_SNIPPET).read_text("utf-8")


def _merge_kinds(root: Path, templates: Path) -> FileResult:
    """Add the example kinds' `kinds:` block to an existing triad.yaml that has none; a
    triad.yaml with one (or that cannot be read) is left for the user to add them to."""
    target = root / POLICY_FILE
    block = _kinds_block(templates)
    names = " and ".join(re.findall(r"^  ([a-z][a-z0-9-]*):$", block, re.MULTILINE))
    current = _editable_text(target)
    try:
        data = yaml.safe_load(current) if current is not None else None
    except yaml.YAMLError:
        data = None
    if current is None or not isinstance(data, dict):
        return FileResult(
            POLICY_FILE, KEPT, f"it cannot be read; add the kinds {names} under kinds: by hand"
        )
    if "kinds" in data:
        present = data["kinds"] if isinstance(data["kinds"], dict) else {}
        wanted = re.findall(r"^  ([a-z][a-z0-9-]*):$", block, re.MULTILINE)
        if all(name in present for name in wanted):
            return FileResult(POLICY_FILE, UNCHANGED, f"it already declares the kinds {names}")
        return FileResult(
            POLICY_FILE,
            KEPT,
            f"it has a kinds: block already; add {names} to it by hand, as in the guide "
            "'Your own document kinds'",
        )
    _append(target, current, block)
    return FileResult(POLICY_FILE, APPENDED, f"the kinds: block declaring {names}")


HISTORY_FILE = "example-history/history.yaml"


def example_history(templates: Path) -> list[NewCommit]:
    """The example's past commits (template-repo/example-history/history.yaml), rendered:
    each file's checksum fields are of the files as they are at that commit."""
    plan = yaml.safe_load((templates / HISTORY_FILE).read_text("utf-8"))
    roster = yaml.safe_load((templates / "snippets" / "example-roster.yaml").read_text("utf-8"))
    tree: dict[str, bytes] = {}
    after: list[dict[str, bytes]] = []
    commits = []

    def lookup(name: str, arg: str | None) -> str:
        if name == "DIGEST_AT" and arg is not None:
            number, _, path = arg.partition(":")
            return digest_bytes(after[int(number) - 1][path])
        if name in ("DIGEST", "SHA256", "SIZE") and arg is not None:
            return _checksum(name, tree[arg])
        raise KeyError(f"unknown template field @@{name}{':' + arg if arg else ''}@@")

    for entry in plan["commits"]:
        written: dict[str, bytes] = {}
        files = entry["files"].items()
        for path, source in sorted(files, key=lambda f: _pin_level(f[0], _read(templates, f[1]))):
            text = render(_read(templates, source).decode("utf-8"), lookup)
            written[path] = tree[path] = text.encode("utf-8")
        after.append(dict(tree))
        person = roster[entry["author"]][0]
        when = int(datetime.fromisoformat(entry["date"].replace("Z", "+00:00")).timestamp())
        commits.append(NewCommit(entry["message"], person["name"], person["email"], when, written))
    return commits


def commit_example_history(root: Path, templates: Path) -> int:
    """Commit the example's past in the repository init has just created; the files of
    today's example stay in the work tree, not committed."""
    commits = example_history(templates)
    write_history(root, commits)
    return len(commits)


def _read(templates: Path, source: str) -> bytes:
    return (templates / source).read_bytes()


def _keep(root: Path, path: str, data: bytes) -> FileResult:
    """Add a file the user's own pipeline lives in when it is missing; never replace it."""
    target = root / path
    if not os.path.lexists(target):
        return _place(root, path, data, force=False)
    if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
        return FileResult(path, UNCHANGED)
    current = _editable_text(target) or ""
    if GITLAB_JOB_FILE in current:
        return FileResult(path, UNCHANGED, f"it already includes {GITLAB_JOB_FILE}")
    return FileResult(path, KEPT, _SKIP_HINTS.get(path, ""))


def _pin_level(path: str, template: bytes) -> int:
    """Files that pin another file's checksum are written after it, so that the checksum is
    of what is there: data files (0), then manifests (1), then model cards (2), then the
    example's sign-off records (3), which pin the model card."""
    if b"@@DIGEST:" in template:
        return 3 if path.startswith("signoffs/") else 2
    return 1 if b"@@SHA256:" in template or b"@@SIZE:" in template else 0


def _prepare_root(directory: Path) -> Path:
    root = Path(os.path.abspath(directory.expanduser()))
    if root.exists() and not root.is_dir():
        raise MltriadError(
            f"{directory} is a file, not a folder",
            hint="Name a folder to initialise (it is created if it is missing).",
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MltriadError(f"cannot create the folder {directory}: {exc.strerror}") from None
    return root


def _without_needless_keeps(root: Path, planned: dict[str, Path]) -> dict[str, Path]:
    """Drop a folder's .gitkeep when another file keeps the folder, planned or already there."""
    folders = {
        "/".join(parts[:end])
        for p in planned
        if not p.endswith("/.gitkeep")
        for parts in [p.split("/")]
        for end in range(1, len(parts))
    }

    def needed(path: str) -> bool:
        folder = path.rsplit("/", 1)[0]
        if folder in folders:
            return False
        present = root / folder
        return not present.is_dir() or all(p.name == ".gitkeep" for p in present.iterdir())

    return {p: s for p, s in planned.items() if not p.endswith("/.gitkeep") or needed(p)}


def _init_lookup(
    root: Path,
    templates: Path,
    example: bool,
    service: CiService,
    codeowners: str,
    kinds: bool = False,
) -> Callable[[str, str | None], str]:
    roster: dict[str, list[dict[str, str]]] = {}
    if example:
        roster = yaml.safe_load((templates / "snippets" / "example-roster.yaml").read_text("utf-8"))
    project = root.name or "project"
    fixed = {
        "VERSION": __version__,
        "PROJECT": project,
        "PROJECT_YAML": json.dumps(project),
        "CODEOWNERS": codeowners,
        "CHANGE_REQUEST": service.change_request,
    }

    def ci_readme() -> str:
        section = (templates / "ci" / service.name / "readme-required.md").read_text("utf-8")
        return render(section, lookup)

    def lookup(name: str, arg: str | None) -> str:
        if name == "MEMBERS" and arg is not None:
            return _members_yaml(roster.get(arg, []))
        if name in ("DIGEST", "SHA256", "SIZE") and arg is not None:
            return _checksum(name, _pinned_bytes(root, arg))
        if name in fixed and arg is None:
            return fixed[name]
        if name == "CI_README" and arg is None:
            return ci_readme()
        if name == "KINDS" and arg is None:
            return "\n" + _kinds_block(templates) if kinds else ""
        raise KeyError(f"unknown template field @@{name}{':' + arg if arg else ''}@@")

    return lookup


def _pinned_bytes(root: Path, path: str) -> bytes:
    try:
        return (root / path).read_bytes()
    except OSError as exc:
        raise MltriadError(
            f"cannot read {path}, whose checksum the example records: {exc.strerror or exc}",
            path=path,
            hint="Move it away, or run without --example.",
        ) from None


def _checksum(name: str, data: bytes) -> str:
    if name == "DIGEST":
        return digest_bytes(data)
    return hashlib.sha256(data).hexdigest() if name == "SHA256" else str(len(data))


def _members_yaml(members: list[dict[str, str]]) -> str:
    """The `members:` lines of a role in triad.yaml."""
    if not members:
        return "    members: []"
    lines = ["    members:"]
    for member in members:
        lines.append(f"      - name: {member['name']}")
        lines.append(f"        email: {member['email']}")
    return "\n".join(lines)


def _place(root: Path, path: str, data: bytes, *, force: bool) -> FileResult:
    target = root / path
    if os.path.lexists(target):
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            return FileResult(path, UNCHANGED)
        if not force:
            return FileResult(path, SKIPPED, _SKIP_HINTS.get(path, ""))
        write_file(target, data, replace=True, inside=root)
        return FileResult(path, OVERWRITTEN)
    if write_file(target, data, replace=False, inside=root):
        return FileResult(path, CREATED)
    return FileResult(path, SKIPPED)


def _merge_readme(
    root: Path, templates: Path, lookup: Callable[[str, str | None], str]
) -> FileResult:
    """Add the section on how the triad works to README.md (creating it if needed)."""
    section = render((templates / "snippets" / "readme-section.md").read_text("utf-8"), lookup)
    existing = _existing_readme(root)
    if existing is None:
        text = f"# {root.name}\n\n{section}"
        return _place(root, "README.md", text.encode("utf-8"), force=False)
    name = existing.name
    if existing.suffix.lower() != ".md":
        return FileResult(
            name,
            SKIPPED,
            f"it is not Markdown; add a section '{README_HEADING}' "
            "yourself (docs/index.md introduces the artifacts)",
        )
    current = _editable_text(existing)
    if current is None:
        return FileResult(name, SKIPPED, f"{_NOT_EDITABLE}; add a section '{README_HEADING}'")
    if _README_HEADING.search(current):
        return FileResult(name, UNCHANGED, f"already has the section '{README_HEADING}'")
    _append(existing, current, section)
    return FileResult(name, APPENDED, f"the section '{README_HEADING}'")


def _existing_readme(root: Path) -> Path | None:
    names = {p.name.lower(): p for p in root.iterdir() if p.is_file()}
    for candidate in ("readme.md", "readme.markdown", "readme.rst", "readme.txt", "readme"):
        if candidate in names:
            return names[candidate]
    return None


_NOT_EDITABLE = "it is a symlink or not UTF-8 text, so it was left as it is"


def _editable_text(path: Path) -> str | None:
    """The text of a file to add to, line endings kept; None for a symlink or non-UTF-8."""
    if path.is_symlink():
        return None
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def _append(target: Path, current: str, addition: str) -> None:
    newline = "\r\n" if "\r\n" in current else "\n"
    if newline != "\n":
        addition = addition.replace("\n", newline)
    glue = (
        ""
        if not current or current.endswith(("\n\n", "\r\n\r\n"))
        else (newline if current.endswith("\n") else newline * 2)
    )
    write_file(target, (current + glue + addition).encode("utf-8"), replace=True)


def _merge_codeowners(
    root: Path,
    templates: Path,
    lookup: Callable[[str, str | None], str],
    service: CiService,
    existing: str | None,
) -> FileResult:
    """Protect the policy, the sign-offs and the pipeline in the CODEOWNERS the CI service
    reads: the one there is (`existing`), else a new one where the service looks first."""
    place = existing or service.codeowners_new
    snippet = render((templates / "ci" / service.name / "codeowners").read_text("utf-8"), lookup)
    target = root / place
    if not target.is_file():
        return _place(root, place, snippet.encode("utf-8"), force=False)
    current = _editable_text(target)
    if current is None:
        return FileResult(place, SKIPPED, f"{_NOT_EDITABLE}; protect triad.yaml and signoffs/")
    present = {
        line.split()[0]
        for line in current.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    comments = [line for line in snippet.splitlines() if line.startswith("#")]
    missing = [
        line
        for line in snippet.splitlines()
        if line and not line.startswith("#") and line.split()[0] not in present
    ]
    if not missing:
        return FileResult(place, UNCHANGED, "already protects triad.yaml and the sign-offs")
    _append(target, current, "\n".join(comments + missing) + "\n")
    return FileResult(
        place,
        APPENDED,
        f"{len(missing)} entries protecting triad.yaml, the sign-offs and the workflow",
    )
