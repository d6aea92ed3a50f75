"""`mltriad new`: a model card, decision record, evaluation set or glossary file from its
template.

Every required field is written, as a FILL-IN placeholder or a suggested value; a new
file never replaces one that exists.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mltriad.artifacts import (
    Repository,
    decision_number,
    is_not_a_record,
    stem,
)
from mltriad.errors import MltriadError
from mltriad.files import write_file
from mltriad.findings import ParseError
from mltriad.gitrepo import tree_paths
from mltriad.glossary import HIGHER, glossary_of
from mltriad.markdown import missing_sections, with_sections
from mltriad.policy import PATH_KEY, Policy, TeamKind, is_markdown, read_policy
from mltriad.rules.decisions import superseded_by
from mltriad.rules.placeholder_rules import find_placeholders
from mltriad.schemas import EDITOR_SCHEMAS, did_you_mean, modeline
from mltriad.schemas import KINDS as SCHEMA_FILES
from mltriad.snapshot import WorkTree, glob_regex, static_prefix
from mltriad.templates import (
    CREATED,
    OVERWRITTEN,
    SKIPPED,
    FileResult,
    fields,
    render,
    template_dir,
)
from mltriad.values import PLACEHOLDER

KINDS = ("model-card", "decision", "eval-set", "glossary")
NAME_RULE = "lowercase letters and digits in words joined by single dashes"
MAX_NAME_LENGTH = 64

_NAME = re.compile(r"^[a-z0-9][a-z0-9]*(-[a-z0-9]+)*$")
_STATUS_LINE = re.compile(r"^status[ \t]*:")


@dataclass
class NewResult:
    kind: str
    path: str
    placeholders: int
    files: list[FileResult] = field(default_factory=list)
    number: int | None = None
    notes: list[str] = field(default_factory=list)


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
    tree = WorkTree(root)
    if kind not in KINDS and tree.exists("triad.yaml"):
        policy, _ = read_policy(tree)  # the team's own kinds are in it
        _check_kind(kind, policy)
    else:
        _check_kind(kind)
        policy = None
    if supersedes is not None and kind != "decision":
        raise MltriadError(f"--supersedes applies to decisions only, not to a {kind}")
    _check_name(kind, name)
    if policy is None:
        policy, _ = read_policy(tree)
    repo = Repository(tree, policy)
    at_base = _base_paths(root, policy, kind, base)
    date = (today or datetime.date.today()).isoformat()
    if kind == "decision":
        return _new_decision(root, repo, name, at_base, base, supersedes, date)
    path = _artifact_path(policy, kind, name)
    _refuse_existing(root, repo, kind, name, path, at_base, base)
    if kind in policy.kinds:
        result = _create(root, kind, path, _team_kind_text(tree, policy.kinds[kind], name, date))
        result.notes.extend(_unstaffed(policy, list(policy.accountable_roles(kind))))
        return result
    templates = template_dir() / "new"
    if kind == "model-card":
        result = _create(root, kind, path, _model_card_text(templates, repo, name))
        result.notes.extend(_unstaffed(policy, list(policy.accountable_roles(kind))))
        return result
    if kind == "glossary":
        owner = _glossary_owner(policy)
        values = {"TITLE": title_of(name), "OWNER": owner, "ROLES": ", ".join(policy.roles)}
        text = render((templates / "glossary.md").read_text("utf-8"), fields(values))
        result = _create(root, kind, path, text)
        result.notes.extend(_unstaffed(policy, [owner]))
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


def _check_kind(kind: str, policy: Policy | None = None) -> None:
    known = [*KINDS, *(policy.kinds if policy is not None else ())]
    if kind in known:
        return
    hint = did_you_mean(kind, known)
    raise MltriadError(
        f"mltriad does not know the kind '{kind}'; use {', '.join(known[:-1])} or "
        f"{known[-1]}" + (f" (did you mean '{hint}'?)" if hint else ""),
        hint=None
        if policy is not None and policy.kinds
        else "A kind of your own is declared "
        "under kinds: in triad.yaml (`mltriad init --kinds` adds two).",
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
    """Where a new artifact of `kind` goes: the folder of its (first) glob, the glob's
    extension. A glossary file goes where its first Markdown glob says (glossary/NAME.md):
    a single glossary.yaml is edited, not created once per name."""
    pattern = policy.first_glob(kind)
    if kind == "glossary":
        pattern = _glossary_glob(policy)
    folder = static_prefix(pattern)
    last = pattern.rsplit("/", 1)[-1]
    extension = last[last.rfind("*") + 1 :] if "*" in last else ""
    if not extension.startswith(".") or any(c in extension for c in "*?["):
        extension = ".md" if kind in ("model-card", "decision", "glossary") else ".yaml"
    setting = f"kinds.{kind}.paths" if kind in policy.kinds else f"paths.{PATH_KEY[kind]}"
    path = f"{folder}/{name}{extension}" if folder else f"{name}{extension}"
    if not glob_regex(pattern).match(path):
        raise MltriadError(
            f"cannot tell where a new {kind} goes: {path} would not match the glob '{pattern}'",
            path="triad.yaml",
            hint="Create the file by hand, or simplify the glob under paths: (a new "
            f"{kind} goes where the first glob of {setting} says).",
        )
    return path


def _base_paths(root: Path, policy: Policy, kind: str, base: str | None) -> list[str]:
    """The paths of artifacts of `kind` at the commit `base` (none without a base)."""
    if base is None:
        return []
    found: set[str] = set()
    for pattern in policy.globs(kind):
        regex = glob_regex(pattern)
        found.update(p for p in tree_paths(root, base, static_prefix(pattern)) if regex.match(p))
    return sorted(p for p in found if not (kind == "decision" and is_not_a_record(p)))


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
    if not write_file(root / path, text.encode("utf-8"), replace=False, inside=root):
        raise MltriadError(f"{path} appeared while it was being created; it was left as it is")
    placeholders = len(find_placeholders(text))
    return NewResult(kind, path, placeholders, [FileResult(path, CREATED)], number)


def _glossary_glob(policy: Policy) -> str:
    """The first glob of paths.glossary that names Markdown files by a wildcard."""
    for pattern in policy.globs("glossary"):
        last = pattern.rsplit("/", 1)[-1]
        if "*" in last and last.lower().endswith(".md"):
            return pattern
    raise MltriadError(
        f"paths.glossary ({policy.globs_text('glossary')}) has no glob of Markdown files "
        "such as glossary/*.md, so a new glossary file has nowhere to go",
        path="triad.yaml",
        hint="Add the terms to your glossary file by hand, or add glossary/*.md to "
        "paths.glossary in triad.yaml.",
    )


def _glossary_owner(policy: Policy) -> str:
    roles = list(policy.accountable_roles("glossary"))
    if "product-manager" in roles:  # the words of the product are the product's to define
        roles.insert(0, "product-manager")
    staffed = [r for r in roles if policy.roles[r].members]
    return (staffed or roles)[0]


def _model_card_text(templates: Path, repo: Repository, name: str) -> str:
    policy = repo.policy
    values = {
        "ID": name,
        "TITLE": title_of(name),
        "OWNERS": _owners_yaml(policy),
        "TARGET_METRIC": _target_metric(repo),
    }
    text = render((templates / "model-card.md").read_text("utf-8"), fields(values))
    return _add_sections(text, policy, "model-card")


def _target_metric(repo: Repository) -> str:
    """The first target's metric: with a glossary, one of its metrics (where higher is
    better, as the template's `min` asks), to confirm; else a placeholder."""
    glossary = glossary_of(repo)
    metrics = [m for m in glossary.metrics if m.direction == HIGHER]
    if not metrics:
        return f"  - metric: {PLACEHOLDER} the metric, such as recall"
    names = ", ".join(m.name for m in glossary.metrics)
    first = metrics[0].name
    spelled = (
        first if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9 _.()/-]*", first) else json.dumps(first)
    )
    return (
        f"  - metric: {spelled}  # {PLACEHOLDER} confirm the metric (the glossary defines {names})"
    )


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
    text = render((templates / "eval-set.yaml").read_text("utf-8"), fields(values))
    if (root / EDITOR_SCHEMAS / SCHEMA_FILES["eval-set"]).is_file():
        # The schema `mltriad init` wrote for editors: completion and hover in this file.
        text = modeline(path, "eval-set") + "\n" + text
    result = _create(root, "eval-set", path, text)
    spec_text = render((templates / "label-spec.md").read_text("utf-8"), fields(values))
    if write_file(root / spec, spec_text.encode("utf-8"), replace=False, inside=root):
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
    folder = static_prefix(repo.policy.first_glob("decision"))
    path = f"{folder}/{label}-{name}.md" if folder else f"{label}-{name}.md"
    old = _superseded_record(repo, supersedes) if supersedes is not None else None
    old_number = decision_number(old[0]) if old else None
    text = _decision_text(repo.policy, name, date, old_number)
    result = _create(root, "decision", path, text, number)
    if old is not None:
        old_path, old_text = old
        updated = _mark_superseded(old_text, label)
        write_file(root / old_path, updated.encode("utf-8"), replace=True, inside=root)
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
            f"{repo.policy.globs_text('decision')}",
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
    text = render((template_dir() / "new" / "decision.md").read_text("utf-8"), fields(values))
    return _add_sections(text, policy, "decision")


def _team_kind_text(tree: WorkTree, kind: TeamKind, name: str, date: str) -> str:
    """A new document of a team's kind: its template filled in (@@ID@@, @@TITLE@@,
    @@DATE@@, @@KIND@@), or without one, front matter with each required field of its
    schema to fill in; then each required section it lacks."""
    values = {"ID": name, "TITLE": title_of(name), "DATE": date, "KIND": kind.id}
    if kind.template is None:
        text = _bare_document(kind, name)
    else:
        try:
            source = tree.read_bytes(kind.template).decode("utf-8")
        except (ParseError, OSError, UnicodeDecodeError) as exc:
            raise MltriadError(
                f"cannot read the template of the kind '{kind.id}': {exc}",
                path=kind.template,
                hint=f"Fix the file, or the path under kinds.{kind.id}.template in triad.yaml.",
            ) from None
        try:
            text = render(source, fields(values))
        except KeyError as exc:
            raise MltriadError(
                f"the template of the kind '{kind.id}' has the field {exc.args[0].split()[-1]}, "
                "which mltriad new does not fill in",
                path=kind.template,
                hint="Use @@ID@@, @@TITLE@@, @@DATE@@ or @@KIND@@.",
            ) from None
    if not is_markdown(kind.paths[0]):
        return text
    return with_sections(text, missing_sections(text, kind.sections))


def _bare_document(kind: TeamKind, name: str) -> str:
    """Front matter (or YAML) with the id and each field the kind's schema requires."""
    lines = [f"{kind.id_field}: {name}"] if kind.id_field else []
    lines += [
        f"{field}: {PLACEHOLDER} {field.replace('_', ' ')}"
        for field in kind.schema.required
        if field != kind.id_field
    ]
    body = "\n".join(lines) + "\n"
    if not is_markdown(kind.paths[0]):
        return body
    return f"---\n{body}---\n\n# {title_of(name)}\n"


def _add_sections(text: str, policy: Policy, kind: str) -> str:
    """The template with each section triad.yaml requires of `kind` that it lacks."""
    return with_sections(text, missing_sections(text, policy.sections.get(kind, ())))
