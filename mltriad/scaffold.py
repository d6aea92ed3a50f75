"""`mltriad init` and `mltriad new`: a governed repository, and new artifacts in it.

Both write only through `write_file`, which writes a temporary file beside the target and
renames it into place, so an interrupted run never leaves a half-written file, and which
never replaces an existing file unless asked to. The templates are in `template-repo/`
(shipped in the wheel); its README explains the layout and the `@@TOKEN@@` fields.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mltriad import __version__
from mltriad.artifacts import (
    Repository,
    decision_number,
    digest_bytes,
    is_not_a_record,
    stem,
)
from mltriad.data import data_dir
from mltriad.errors import MltriadError
from mltriad.files import write_file
from mltriad.gitrepo import init_repository, toplevel, tree_paths
from mltriad.markdown import missing_sections, with_sections
from mltriad.policy import Policy, read_policy
from mltriad.rules.decisions import superseded_by
from mltriad.rules.placeholder_rules import find_placeholders
from mltriad.schemas import did_you_mean
from mltriad.snapshot import WorkTree, glob_regex, static_prefix
from mltriad.values import PLACEHOLDER

CREATED = "created"
OVERWRITTEN = "overwritten"
APPENDED = "appended"
SKIPPED = "skipped"
UNCHANGED = "unchanged"

KINDS = ("model-card", "decision", "eval-set")
NAME_RULE = "lowercase letters and digits in words joined by single dashes"
MAX_NAME_LENGTH = 64
README_HEADING = "How the triad works in this repository"
CODEOWNERS_PLACES = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")

_NAME = re.compile(r"^[a-z0-9][a-z0-9]*(-[a-z0-9]+)*$")
_TOKEN = re.compile(r"@@([A-Z][A-Z0-9_]*)(?::([^@\s]+))?@@")
_STATUS_LINE = re.compile(r"^status[ \t]*:")
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
}


@dataclass(frozen=True)
class FileResult:
    """What happened to one file: created, overwritten, appended to, skipped or unchanged."""

    path: str
    action: str
    note: str = ""


@dataclass
class InitResult:
    root: Path
    files: list[FileResult]
    example: bool = False
    git_initialised: bool = False
    git_missing: bool = False
    toplevel: Path | None = None

    def having(self, *actions: str) -> list[FileResult]:
        return [f for f in self.files if f.action in actions]

    @property
    def changed(self) -> bool:
        return self.git_initialised or bool(self.having(CREATED, OVERWRITTEN, APPENDED))


@dataclass
class NewResult:
    kind: str
    path: str
    placeholders: int
    files: list[FileResult] = field(default_factory=list)
    number: int | None = None
    notes: list[str] = field(default_factory=list)


# --- Templates -----------------------------------------------------------------------------


def template_dir() -> Path:
    return data_dir("template-repo")


def target_name(template_path: str) -> str:
    """`dot-github/workflows/x.yml` -> `.github/workflows/x.yml`."""
    parts = template_path.split("/")
    return "/".join("." + p[4:] if p.startswith("dot-") else p for p in parts)


def render(text: str, lookup: Callable[[str, str | None], str]) -> str:
    """Fill in `@@TOKEN@@` and `@@TOKEN:ARG@@` fields.

    A token alone on its line replaces the whole line (or removes it when it is empty), so
    that blocks of YAML keep their indentation as written by `lookup`.
    """
    lines = []
    for line in text.splitlines(keepends=True):
        whole = _TOKEN.fullmatch(line.strip())
        if whole:
            value = lookup(whole.group(1), whole.group(2))
            if value:
                lines.append(value if value.endswith("\n") else value + "\n")
            continue
        lines.append(_TOKEN.sub(lambda m: lookup(m.group(1), m.group(2)), line))
    return "".join(lines)


def _template_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(target path, template file) for every file under `folder`, in a stable order."""
    for source in sorted(p for p in folder.rglob("*") if p.is_file()):
        yield target_name(source.relative_to(folder).as_posix()), source


# --- init ----------------------------------------------------------------------------------


def init(directory: Path, *, example: bool = False, force: bool = False) -> InitResult:
    """Scaffold a governed repository in `directory` (created if needed).

    Adds what is missing and leaves every existing file as it is, unless `force`. README.md
    and CODEOWNERS are only ever added to. Runs `git init` when `directory` is not inside
    a git work tree; inside one, git is not touched.
    """
    root = _prepare_root(directory)
    result = InitResult(root, [], example=example, toplevel=toplevel(root))
    if result.toplevel is None:
        result.git_initialised = init_repository(root)
        result.git_missing = not result.git_initialised
    templates = template_dir()
    planned = dict(_template_files(templates / "base"))
    if example:
        planned.update(_template_files(templates / "example"))
    planned = _without_needless_keeps(root, planned)
    lookup = _init_lookup(root, templates, example)
    ordered = sorted(planned.items(), key=lambda item: _pin_level(item[1].read_bytes()))
    for path, source in ordered:
        text = render(source.read_bytes().decode("utf-8"), lookup)
        result.files.append(_place(root, path, text.encode("utf-8"), force=force))
    result.files.append(_merge_codeowners(root, templates, lookup))
    result.files.append(_merge_readme(root, templates, lookup))
    return result


def _pin_level(template: bytes) -> int:
    """Files that pin another file's checksum are written after it, so that the checksum is
    of what is there: data files (0), then manifests (1), then model cards (2)."""
    if b"@@DIGEST:" in template:
        return 2
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
    folders = {p.rsplit("/", 1)[0] for p in planned if "/" in p and not p.endswith("/.gitkeep")}

    def needed(path: str) -> bool:
        folder = path.rsplit("/", 1)[0]
        if folder in folders:
            return False
        present = root / folder
        return not present.is_dir() or all(p.name == ".gitkeep" for p in present.iterdir())

    return {p: s for p, s in planned.items() if not p.endswith("/.gitkeep") or needed(p)}


def _init_lookup(root: Path, templates: Path, example: bool) -> Callable[[str, str | None], str]:
    roster: dict[str, list[dict[str, str]]] = {}
    if example:
        roster = yaml.safe_load((templates / "snippets" / "example-roster.yaml").read_text("utf-8"))
    project = root.name or "project"
    fixed = {
        "VERSION": __version__,
        "PROJECT": project,
        "PROJECT_YAML": json.dumps(project),
        "CODEOWNERS": ".github/CODEOWNERS",
    }

    def lookup(name: str, arg: str | None) -> str:
        if name == "MEMBERS" and arg is not None:
            return _members_yaml(roster.get(arg, []))
        if name in ("DIGEST", "SHA256", "SIZE") and arg is not None:
            return _checksum(name, _pinned_bytes(root, arg))
        if name in fixed and arg is None:
            return fixed[name]
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
        write_file(target, data, replace=True)
        return FileResult(path, OVERWRITTEN)
    if write_file(target, data, replace=False):
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
    root: Path, templates: Path, lookup: Callable[[str, str | None], str]
) -> FileResult:
    """Protect the policy, the sign-offs and the workflow in the CODEOWNERS GitHub reads."""
    place = next((p for p in CODEOWNERS_PLACES if (root / p).is_file()), CODEOWNERS_PLACES[0])

    def with_place(name: str, arg: str | None) -> str:
        return place if name == "CODEOWNERS" else lookup(name, arg)

    snippet = render((templates / "snippets" / "codeowners").read_text("utf-8"), with_place)
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


def describe_init(result: InitResult, shown: str) -> list[str]:
    """What `init` did, for people: the files by what happened to them, then next steps."""
    lines: list[str] = []
    if result.git_initialised:
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
        lines.extend(_next_steps(shown, result.example))
    return lines


def _toplevel_note(result: InitResult) -> list[str]:
    if result.toplevel is None or result.toplevel == result.root.resolve():
        return []
    return [
        f"Note: {result.root} is inside the git repository at {result.toplevel}; GitHub and "
        "pre-commit read .github/ and .pre-commit-config.yaml only at its top, so move them "
        "there (and set the workflow's working-directory)."
    ]


def _next_steps(shown: str, example: bool) -> list[str]:
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
        "  3. Commit, push a branch and open a pull request: the check `mltriad-gate` runs on "
        "it; make it required in branch protection (README.md says how).",
    ]


# --- new -----------------------------------------------------------------------------------


def new(
    root: Path,
    kind: str,
    name: str,
    *,
    base: str | None = None,
    supersedes: str | None = None,
    today: datetime.date | None = None,
) -> NewResult:
    """Create an artifact of `kind` named `name` from its template, with placeholders.

    A decision takes the next free number (also counting the records at `base`), and with
    `supersedes` marks the record it replaces as superseded by the new one.
    """
    _check_kind(kind)
    if supersedes is not None and kind != "decision":
        raise MltriadError(f"--supersedes applies to decisions only, not to a {kind}")
    _check_name(kind, name)
    tree = WorkTree(root)
    policy, _ = read_policy(tree)
    repo = Repository(tree, policy)
    at_base = _base_paths(root, policy, kind, base)
    date = (today or datetime.date.today()).isoformat()
    if kind == "decision":
        return _new_decision(root, repo, name, at_base, base, supersedes, date)
    path = _artifact_path(policy, kind, name)
    _refuse_existing(root, repo, kind, name, path, at_base, base)
    templates = template_dir() / "new"
    if kind == "model-card":
        result = _create(root, kind, path, _model_card_text(templates, policy, name))
        result.notes.extend(_unstaffed(policy, list(policy.accountable_roles(kind))))
        return result
    result = _new_eval_set(root, templates, policy, name, path)
    result.notes.extend(_unstaffed(policy, [_eval_set_owner(policy)]))
    return result


def _unstaffed(policy: Policy, roles: list[str]) -> list[str]:
    """A note when roles the new artifact names have nobody in triad.yaml yet."""
    empty = [r for r in roles if not policy.roles[r].members]
    if not empty:
        return []
    return [
        f"triad.yaml lists nobody in {', '.join(empty)} yet: add them to the roster, or "
        "`mltriad check` reports the new file's owners until then."
    ]


def _check_kind(kind: str) -> None:
    if kind in KINDS:
        return
    hint = did_you_mean(kind, list(KINDS))
    raise MltriadError(
        f"mltriad does not know the kind '{kind}'; use model-card, decision or "
        "eval-set" + (f" (did you mean '{hint}'?)" if hint else "")
    )


def _check_name(kind: str, name: str) -> None:
    if kind == "decision" and re.match(r"^\d+[-_]", name):
        raise MltriadError(
            f"'{name}' starts with a number; give the name without it (such as "
            "use-gradient-boosting): mltriad picks the next free number"
        )
    if not _NAME.match(name):
        example = _slug(name) or "churn-model"
        raise MltriadError(
            f"'{name}' is not a valid {kind} name: use {NAME_RULE}, such as '{example}'"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise MltriadError(
            f"'{name}' is {len(name)} characters long; a {kind} name may have at "
            f"most {MAX_NAME_LENGTH}"
        )


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def title_of(name: str) -> str:
    words = name.replace("-", " ")
    return words[:1].upper() + words[1:]


def _artifact_path(policy: Policy, kind: str, name: str) -> str:
    """Where a new artifact of `kind` goes: the folder of its glob, the glob's extension."""
    pattern = policy.glob(kind)
    folder = static_prefix(pattern)
    last = pattern.rsplit("/", 1)[-1]
    extension = last[last.rfind("*") + 1 :] if "*" in last else ""
    if not extension.startswith(".") or any(c in extension for c in "*?["):
        extension = ".md" if kind in ("model-card", "decision") else ".yaml"
    path = f"{folder}/{name}{extension}" if folder else f"{name}{extension}"
    if not glob_regex(pattern).match(path):
        raise MltriadError(
            f"cannot tell where a new {kind} goes: {path} would not match the glob '{pattern}'",
            path="triad.yaml",
            hint="Create the file by hand, or simplify the glob under paths:.",
        )
    return path


def _base_paths(root: Path, policy: Policy, kind: str, base: str | None) -> list[str]:
    """The paths of artifacts of `kind` at the commit `base` (none without a base)."""
    if base is None:
        return []
    pattern = policy.glob(kind)
    regex = glob_regex(pattern)
    found = [p for p in tree_paths(root, base, static_prefix(pattern)) if regex.match(p)]
    return [p for p in found if not (kind == "decision" and is_not_a_record(p))]


def _refuse_existing(
    root: Path,
    repo: Repository,
    kind: str,
    name: str,
    path: str,
    at_base: list[str],
    base: str | None,
) -> None:
    here = repo.find(kind, name)
    if here is not None or os.path.lexists(root / path):
        raise MltriadError(
            f"a {kind} named '{name}' already exists ({here or path}); choose "
            "another name, or edit that file"
        )
    there = next((p for p in at_base if stem(p) == name), None)
    if there is not None:
        raise MltriadError(
            f"a {kind} named '{name}' already exists on {base} ({there}); choose another name"
        )


def _create(root: Path, kind: str, path: str, text: str, number: int | None = None) -> NewResult:
    if not write_file(root / path, text.encode("utf-8"), replace=False):
        raise MltriadError(f"{path} appeared while it was being created; it was left as it is")
    placeholders = len(find_placeholders(text))
    return NewResult(kind, path, placeholders, [FileResult(path, CREATED)], number)


def _model_card_text(templates: Path, policy: Policy, name: str) -> str:
    values = {"ID": name, "TITLE": title_of(name), "OWNERS": _owners_yaml(policy)}
    text = render((templates / "model-card.md").read_text("utf-8"), _fields(values))
    return _add_sections(text, policy, "model-card")


def _owners_yaml(policy: Policy) -> str:
    lines = []
    for role_id in policy.accountable_roles("model-card"):
        members = policy.roles[role_id].members
        if members:
            others = ", ".join(m.email for m in members)
            lines.append(
                f"  {role_id}: {members[0].email}  # {PLACEHOLDER} confirm the "
                f"accountable {role_id} (members: {others})"
            )
        else:
            lines.append(
                f"  {role_id}: {PLACEHOLDER}@example.org  # the accountable {role_id}; "
                "add them to the role in triad.yaml first"
            )
    return "\n".join(lines)


def _fields(values: Mapping[str, str]) -> Callable[[str, str | None], str]:
    def lookup(name: str, arg: str | None) -> str:
        if arg is None and name in values:
            return values[name]
        raise KeyError(f"unknown template field @@{name}{':' + arg if arg else ''}@@")

    return lookup


# --- new eval-set --------------------------------------------------------------------------


def _new_eval_set(root: Path, templates: Path, policy: Policy, name: str, path: str) -> NewResult:
    spec = f"docs/labels/{name}.md"
    values = {
        "ID": name,
        "TITLE": title_of(name),
        "OWNER": _eval_set_owner(policy),
        "ROLES": ", ".join(policy.roles),
        "LABEL_SPEC": spec,
        "SLICES": _slices_yaml(policy),
        "EVAL_SET_PATH": path,
    }
    text = render((templates / "eval-set.yaml").read_text("utf-8"), _fields(values))
    result = _create(root, "eval-set", path, text)
    spec_text = render((templates / "label-spec.md").read_text("utf-8"), _fields(values))
    if write_file(root / spec, spec_text.encode("utf-8"), replace=False):
        result.files.append(FileResult(spec, CREATED, "the label specification"))
    else:
        result.files.append(FileResult(spec, SKIPPED, "exists; the evaluation set names it"))
    return result


def _eval_set_owner(policy: Policy) -> str:
    roles = list(policy.accountable_roles("eval-set"))
    staffed = [r for r in roles if policy.roles[r].members]
    return (staffed or roles)[0]


def _slices_yaml(policy: Policy) -> str:
    rules = policy.eval_sets
    roles = [r for r in rules.share_roles if r in policy.roles] or list(policy.roles)[:1]
    blocks = []
    for i, role_id in enumerate(roles):
        production = i == 0 and rules.require_production_sample
        slice_name = "production-sample" if production else f"{role_id}-cases"
        source = "production" if production else "expert"
        what = (
            "how the cases were sampled from production traffic"
            if production
            else f"which cases the {role_id} chose, and why"
        )
        blocks.append(
            f"  - name: {slice_name}\n"
            f"    description: {PLACEHOLDER} {what}\n"
            f"    defined_by: {role_id}\n"
            f"    source: {source}\n"
            f"    cases: 100  # {PLACEHOLDER} the number of cases"
        )
    return "\n".join(blocks)


# --- new decision --------------------------------------------------------------------------


def _new_decision(
    root: Path,
    repo: Repository,
    name: str,
    at_base: list[str],
    base: str | None,
    supersedes: str | None,
    date: str,
) -> NewResult:
    here = repo.paths("decision")
    _refuse_existing_decision(name, here, at_base, base)
    number, width = next_decision_number([*here, *at_base])
    label = f"{number:0{width}d}"
    folder = static_prefix(repo.policy.glob("decision"))
    path = f"{folder}/{label}-{name}.md" if folder else f"{label}-{name}.md"
    old = _superseded_record(repo, supersedes) if supersedes is not None else None
    old_number = decision_number(old[0]) if old else None
    text = _decision_text(repo.policy, name, date, old_number)
    result = _create(root, "decision", path, text, number)
    if old is not None:
        old_path, old_text = old
        updated = _mark_superseded(old_text, label)
        write_file(root / old_path, updated.encode("utf-8"), replace=True)
        result.files.append(FileResult(old_path, OVERWRITTEN, f"status: superseded by {label}"))
    return result


def next_decision_number(paths: Iterable[str]) -> tuple[int, int]:
    """(the number after the highest in use, the digit count records use: 4 by default)."""
    highest, width = 0, 4
    for path in paths:
        digits = re.match(r"\d+", path.rsplit("/", 1)[-1])
        number = decision_number(path)
        if digits is not None and number is not None and number >= highest:
            highest, width = number, len(digits.group(0))
    return highest + 1, width


def _slug_of(path: str) -> str:
    return re.sub(r"^\d+[-_]", "", stem(path))


def _refuse_existing_decision(
    name: str, here: list[str], at_base: list[str], base: str | None
) -> None:
    same = next((p for p in here if _slug_of(p) == name), None)
    if same is not None:
        raise MltriadError(
            f"a decision named '{name}' already exists ({same}); choose another "
            "name, or edit that record"
        )
    there = next((p for p in at_base if _slug_of(p) == name), None)
    if there is not None:
        raise MltriadError(
            f"a decision named '{name}' already exists on {base} ({there}); choose another name"
        )


def _superseded_record(repo: Repository, ref: str) -> tuple[str, str]:
    """The path and text of the record `ref` names, if it may be superseded."""
    path = repo.find_decision(ref)
    if path is None:
        raise MltriadError(
            f"--supersedes {ref}: there is no decision record {ref} in "
            f"{repo.policy.glob('decision')}",
            hint="Give the number of an existing record, such as 1 or 0001.",
        )
    artifact = repo.load(path, "decision")
    if artifact.doc is None or not artifact.doc.has_front_matter:
        raise MltriadError(
            f"{path} has no readable front matter, so its status cannot be set",
            hint="Fix it (`mltriad check` says how) and run again.",
        )
    already = superseded_by(artifact.data)
    if already is not None:
        raise MltriadError(
            f"{path} is already superseded by {already}; supersede that record instead"
        )
    return path, artifact.doc.text


def _mark_superseded(text: str, label: str) -> str:
    """The record's text with its front-matter status set to 'superseded by LABEL'."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    status = f"status: superseded by {label}{newline}"
    for i in range(1, end):
        if _STATUS_LINE.match(lines[i]):
            stop = i + 1
            while stop < end and lines[stop][:1] in (" ", "\t") and lines[stop].strip():
                stop += 1  # a status value folded over several lines
            lines[i:stop] = [status]
            return "".join(lines)
    lines.insert(1, status)
    return "".join(lines)


def _decision_text(policy: Policy, name: str, date: str, supersedes: int | None) -> str:
    roles = list(policy.accountable_roles("decision"))
    values = {
        "TITLE": title_of(name),
        "DATE": date,
        "DRIVER": roles[0],
        "ROLES": ", ".join(policy.roles),
        "APPROVERS": ", ".join(roles),
        "SUPERSEDES": f"supersedes: [{supersedes}]" if supersedes is not None else "",
    }
    text = render((template_dir() / "new" / "decision.md").read_text("utf-8"), _fields(values))
    return _add_sections(text, policy, "decision")


def describe_new(result: NewResult) -> list[str]:
    lines = []
    for f in result.files:
        verb = {CREATED: "Created", OVERWRITTEN: "Updated", SKIPPED: "Kept"}.get(f.action, "")
        lines.append(f"{verb} {f.path}" + (f" ({f.note})" if f.note else "") + ".")
    lines.extend(result.notes)
    if result.placeholders:
        lines.append(
            f"Replace its {result.placeholders} {PLACEHOLDER} placeholder(s); "
            f"`mltriad check {result.path}` lists those left."
        )
    return lines


def _add_sections(text: str, policy: Policy, kind: str) -> str:
    """The template with each section triad.yaml requires of `kind` that it lacks."""
    return with_sections(text, missing_sections(text, policy.sections.get(kind, ())))
