"""`mltriad adopt`: bring existing decision records and model cards into mltriad's format.

Each file is read by the reader of its format (`mltriad.formats`) and converted
(`mltriad.formats.convert`): what it says goes into front matter with mltriad's keys, and
what it does not say is written as a FILL-IN placeholder that `mltriad check` reports
(MT601) until a person replaces it. The text after the front matter is kept byte for
byte: metadata a record keeps in its text (a Nygard status section) is copied into front
matter, never moved out of the text. A Model Card Toolkit JSON card becomes a new Markdown
card beside it (or in `--output`); the JSON is left as it is.

Every converted file is parsed again before anything is written, and must be in
mltriad's format with its text intact; files are written atomically, an existing file is
never overwritten by surprise, and adopting a file that is already in mltriad's format
changes nothing, so running adopt twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mltriad import formats
from mltriad.artifacts import parse_decision_ref
from mltriad.commands.check import default_policy
from mltriad.documents import parse_markdown
from mltriad.errors import MltriadError
from mltriad.files import write_file
from mltriad.findings import ParseError
from mltriad.formats.convert import Settings, Source, convert
from mltriad.formats.model import DecisionReading, ModelCardReading, Skipped
from mltriad.formats.names import MODEL_CARD_TOOLKIT, TRIAD, UNREADABLE
from mltriad.markdown import missing_sections
from mltriad.policy import POLICY_PATH, Policy, find_root, read_policy
from mltriad.schemas import schema
from mltriad.snapshot import WorkTree, glob_regex

ADOPTED = "adopted"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
NOT_ADOPTED = "not adopted"

_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "site"}


@dataclass
class Adoption:
    """What adopt does (or would do) to one file."""

    source: Path
    target: Path
    state: str  # ADOPTED, UNCHANGED, SKIPPED or NOT_ADOPTED
    format: str = ""
    kind: str | None = None
    reason: str = ""
    before: bytes | None = None  # what is at the target now (None: nothing)
    after: bytes | None = None  # what adopt writes there (None: nothing)
    inferred: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return self.state == ADOPTED and self.after is not None and self.after != self.before


def adopt(
    paths: Sequence[str],
    *,
    root: Path,
    policy: Policy,
    output: Path | None = None,
    kind: str | None = None,
    add_sections: bool = False,
    today: datetime.date | None = None,
) -> list[Adoption]:
    """Plan the adoption of `paths` (files or folders); nothing is written yet.

    `root` is the repository (paths are named relative to it when inside it), `policy` its
    triad.yaml (or the default), `output` a folder to write to instead of in place, `kind`
    "decision" or "model-card" for files whose content alone does not say, `add_sections`
    whether to append the sections the policy requires and a text lacks.
    """
    settings = Settings(policy, (today or datetime.date.today()).isoformat(), add_sections)
    sources, skipped = _read_all(_files(paths), root, policy, kind)
    _link_supersedes(sources)
    plans = [_plan(source, settings, output) for source in sources]
    _refuse_collisions(plans)
    return plans + skipped


def write(adoptions: Iterable[Adoption]) -> list[Path]:
    """Write every adoption that changes its target, atomically; the paths written."""
    written = []
    for item in adoptions:
        if item.changes and item.after is not None:
            write_file(item.target, item.after)
            written.append(item.target)
    return written


def diff(item: Adoption, label: str, target_label: str) -> str:
    """A unified diff of the change to one file ('' if it does not change)."""
    if not item.changes or item.after is None:
        return ""
    before = _diff_lines((item.before or b"").decode("utf-8", errors="replace"))
    after = _diff_lines(item.after.decode("utf-8"))
    old = f"a/{label}" if item.before is not None else "/dev/null"
    return "".join(difflib.unified_diff(before, after, old, f"b/{target_label}"))


def _diff_lines(text: str) -> list[str]:
    """Lines for a diff; a last line without a line break is marked, as diff(1) does."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


# Finding and reading the files.


def _files(paths: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(_walk(path))
        elif path.exists() or path.is_symlink():
            found.append(path)
        else:
            raise MltriadError(f"'{given}' does not exist", hint="Check the path and try again.")
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.absolute(), path)
    return sorted(unique.values())


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        found.extend(
            Path(dirpath) / name for name in filenames if name.lower().endswith(formats.SUFFIXES)
        )
    return found


def _read_all(
    files: list[Path], root: Path, policy: Policy, kind: str | None
) -> tuple[list[Source], list[Adoption]]:
    sources: list[Source] = []
    skipped: list[Adoption] = []
    for path in files:
        rel = _relative(path, root)
        if path.is_symlink():
            reason = "a symlink: adopt the file it points to"
            skipped.append(Adoption(path, path, NOT_ADOPTED, reason=reason))
            continue
        if not path.name.lower().endswith(formats.SUFFIXES):
            skipped.append(Adoption(path, path, SKIPPED, reason="not a Markdown or JSON file"))
            continue
        raw = path.read_bytes()
        reading = formats.read(rel, raw, kind or _kind_by_policy(rel, policy))
        if isinstance(reading, Skipped):
            state = NOT_ADOPTED if reading.reason == UNREADABLE else SKIPPED
            reason = reading.message + (f" (line {reading.line})" if state == NOT_ADOPTED else "")
            skipped.append(Adoption(path, path, state, reason=reason))
            continue
        doc = None if rel.lower().endswith(".json") else parse_markdown(rel, raw)
        sources.append(Source(path, rel, raw, reading, doc))
    return sources, skipped


def _relative(path: Path, root: Path) -> str:
    try:
        return path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return path.as_posix()


def _kind_by_policy(rel: str, policy: Policy) -> str | None:
    for kind in ("decision", "model-card"):
        if any(glob_regex(g).match(rel) for g in policy.globs(kind)):
            return kind
    return None


def _link_supersedes(sources: list[Source]) -> None:
    """'A is superseded by B', read from A, means B supersedes A: B's `supersedes` gets A
    (adr-tools writes both sides; many records say it on one side only)."""
    records = [s for s in sources if isinstance(s.reading, DecisionReading)]
    for source in records:
        reading = source.reading
        assert isinstance(reading, DecisionReading)
        if reading.superseded_by is None:
            continue
        ref = reading.superseded_by.value
        target = next((r for r in records if _names(r, ref)), None)
        stem = source.path.stem
        if target is not None and target is not source and stem not in target.extra_supersedes:
            target.extra_supersedes.append(stem)


def _names(source: Source, ref: str) -> bool:
    """Whether `ref` (a file name or 'ADR-0005') names the record `source`."""

    if source.path.stem == ref:
        return True
    number = parse_decision_ref(ref) if re.match(r"^\D*\d{1,5}(?:\D|$)", ref) else None
    reading = source.reading
    return number is not None and isinstance(reading, DecisionReading) and reading.number == number


# Planning one file.


def _plan(source: Source, settings: Settings, output: Path | None) -> Adoption:
    reading = source.reading
    target = _target(source, output)
    item = Adoption(source.path, target, ADOPTED, reading.format, reading.kind)
    item.before = source.raw if target == source.path else _existing(target)
    if reading.format == TRIAD and target == source.path:
        item.state, item.reason = UNCHANGED, "already in mltriad's format"
        return item
    conversion = convert(source, settings)
    after = conversion.text.encode("utf-8")
    problem = _verify(source, after, settings.policy)
    if problem is not None:
        item.state = NOT_ADOPTED
        item.reason = f"adopt could not convert it safely ({problem}); it is left as it was"
        return item
    item.after = after
    item.inferred, item.placeholders = conversion.inferred, conversion.placeholders
    item.converted = conversion.converted
    item.advice = _advice(source, target, settings)
    if item.before is not None and item.before != after and target != source.path:
        item.after = None
        if _in_triad_format(target, item.before, reading.kind):
            item.state = UNCHANGED
            item.reason = f"adopted before: {target} is in mltriad's format, and stays as it is"
        else:
            item.state = NOT_ADOPTED
            item.reason = (
                f"{target} exists and differs from what adopt writes; it is not overwritten "
                "(adopt that file in place, or move it away)"
            )
    elif item.before == after:
        item.state, item.reason = UNCHANGED, "nothing to change"
    return item


def _in_triad_format(path: Path, raw: bytes, kind: str) -> bool:
    """Whether an existing file is a record or card of `kind` in mltriad's format (a file
    adopt wrote earlier, perhaps edited since)."""
    reading = formats.read(path.name, raw, kind)
    return not isinstance(reading, Skipped) and reading.format == TRIAD and reading.kind == kind


def _verify(source: Source, after: bytes, policy: Policy) -> str | None:
    """Why the converted file is not what adopt promises, or None: it must parse, be in
    mltriad's format, and (for Markdown) keep the original text byte for byte, followed at
    most by appended FILL-IN sections (--add-sections)."""
    try:
        doc = parse_markdown(source.rel, after)
    except ParseError as exc:
        return f"the result does not parse: {exc.message}, line {exc.line}"
    reading = formats.read_document(source.rel, doc, source.reading.kind)
    if isinstance(reading, Skipped) or reading.format != TRIAD:
        return "the result is not in mltriad's format"
    required = (
        policy.decisions.required_fields
        if reading.kind == "decision"
        else schema(reading.kind).get("required", [])
    )
    if not isinstance(doc.data, dict) or not set(required) <= set(doc.data):
        return "the result lacks a field mltriad requires"
    if source.doc is not None:
        before = source.doc.body if source.doc.has_front_matter else source.doc.text
        if not doc.body.startswith(before) or not _only_sections(doc.body[len(before) :]):
            return "the text after the front matter would change"
    return None


def _only_sections(appended: str) -> bool:
    """Appended text is nothing but headings and FILL-IN placeholders."""
    return all(
        line.startswith(("## ", "FILL-IN")) for line in appended.splitlines() if line.strip()
    )


def _existing(target: Path) -> bytes | None:
    return target.read_bytes() if target.is_file() else None


def _target(source: Source, output: Path | None) -> Path:
    reading = source.reading
    folder = output if output is not None else source.path.parent
    if isinstance(reading, ModelCardReading) and (
        output is not None or reading.format == MODEL_CARD_TOOLKIT
    ):
        return folder / f"{reading.id}.md"
    return folder / source.path.name


def _refuse_collisions(plans: list[Adoption]) -> None:
    seen: dict[Path, Adoption] = {}
    for item in plans:
        key = item.target.absolute()
        if key in seen and item.state == ADOPTED:
            item.state = NOT_ADOPTED
            item.reason = f"{seen[key].source} is written to {item.target} too; adopt one of them"
            item.after = None
        seen.setdefault(key, item)


def _advice(source: Source, target: Path, settings: Settings) -> list[str]:
    """What adopt leaves to people: a file name that is not the card's id, and sections the
    policy requires that the text lacks (adopt does not write into the text by default)."""
    reading = source.reading
    advice = []
    if isinstance(reading, ModelCardReading) and target.stem != reading.id:
        advice.append(
            f"the card's id is '{reading.id}' but its file is {target.name}: write it as "
            f"{reading.id}.md (adopt --output FOLDER does) so the two match (MT204)"
        )
    if source.doc is not None and not settings.add_sections:
        for alternatives in missing_sections(
            source.doc.body, settings.policy.sections.get(reading.kind, ())
        ):
            advice.append(
                f"the text has no '## {alternatives[0]}' section, which the policy requires "
                "(MT211): write it, run adopt with --add-sections to append it as a FILL-IN, "
                "or list the sections your records have under `sections:` in triad.yaml"
            )
    return advice


# The command.


@dataclass
class AdoptResult:
    """What adopt planned (and, unless a dry run, wrote), with the folder it ran in."""

    plans: list[Adoption]
    cwd: Path
    dry_run: bool

    @property
    def failed(self) -> bool:
        return any(p.state == NOT_ADOPTED for p in self.plans)


def run(
    paths: Sequence[str],
    *,
    output: str | None,
    dry_run: bool,
    kind: str | None,
    add_sections: bool,
) -> AdoptResult:
    """`mltriad adopt`: plan every file and, unless `dry_run`, write the changes."""
    cwd = Path.cwd()
    root = find_root(cwd)
    tree = WorkTree(root)
    policy = read_policy(tree)[0] if tree.exists(POLICY_PATH) else default_policy()
    target = Path(output) if output else None
    if target is not None and target.exists() and not target.is_dir():
        raise MltriadError(
            f"--output {output} is a file", hint="Name a folder (it is created if needed)."
        )
    plans = adopt(
        paths, root=root, policy=policy, output=target, kind=kind, add_sections=add_sections
    )
    if not dry_run:
        write(plans)
    return AdoptResult(plans, cwd, dry_run)
