"""The readers at work: what a file in another tool's format (or in mltriad's) is.

`mltriad.formats` is the interface; this module loads (with every reader) when a file
is not plainly in mltriad's format.
"""

from __future__ import annotations

from typing import Any

from mltriad.artifacts import decision_number, is_not_a_record
from mltriad.documents import Document, parse_markdown
from mltriad.findings import ParseError
from mltriad.formats import huggingface, madr, madr2, nygard, toolkit
from mltriad.formats.markdown import headings, prose_lines
from mltriad.formats.model import DecisionReading, ModelCardReading, Reading, Skipped
from mltriad.formats.names import (
    INDEX,
    PLAIN,
    RECORD_TRIAD_KEYS,
    SUFFIXES,
    TEMPLATE,
    UNREADABLE,
    UNRECOGNISED,
    has_triad_keys,
    in_triad_format,
)
from mltriad.formats.records import is_template_title, number_of, title_and_number


def read(path: str, raw: bytes, kind: str | None = None) -> Reading:
    """What the file at `path` (repository-relative) is, read from its bytes.

    `kind` ("decision" or "model-card") is what the repository's policy says the path
    holds, if anything; it decides files whose content alone does not.
    """
    if path.lower().endswith(".json"):
        return toolkit.read(path, raw)
    try:
        doc = parse_markdown(path, raw)
    except ParseError as exc:
        if _is_template_name(path):  # a template's braces are often not YAML at all
            return Skipped(path, TEMPLATE, "a template of the decision log, not a record")
        return Skipped(path, UNREADABLE, exc.message, exc.line)
    return read_document(path, doc, kind)


def _is_template_name(path: str) -> bool:
    """adr-template.md, template.md, madr-template.md, 0000-template.md and the like."""
    return is_not_a_record(path) and "template" in path.rsplit("/", 1)[-1].lower()


def read_document(path: str, doc: Document, kind: str | None = None) -> Reading:
    """What a parsed Markdown file is (see `read`)."""
    data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    is_card = has_triad_keys(data) or huggingface.is_hub_card(path, data)
    if data and kind != "decision" and is_card:
        return huggingface.read(path, doc)
    # A decision log's README is its index; under a policy's model-card glob it is a card.
    skipped = _not_a_record(path, doc) if kind != "model-card" else None
    if skipped is not None:
        return skipped
    if data and kind != "model-card" and set(data) & (RECORD_TRIAD_KEYS | madr.MADR_KEYS):
        return madr.read(path, doc)
    lines = prose_lines(doc.body, doc.body_line)
    found = headings(lines)
    if not doc.has_front_matter and kind != "model-card":
        if nygard.matches(lines, found):
            return nygard.read(path, doc)
        if madr2.matches(lines, found):
            return madr2.read(path, doc)
    if kind == "decision" or (kind is None and madr.looks_like_madr([h.text for h in found])):
        return madr.read(path, doc) if doc.has_front_matter else _plain(path, doc)
    if kind == "model-card":
        return huggingface.read(path, doc)
    return Skipped(path, UNRECOGNISED, "neither a decision record nor a model card")


def _not_a_record(path: str, doc: Document) -> Skipped | None:
    """Templates and indexes, by their name or by a title that is still a placeholder."""
    name = path.rsplit("/", 1)[-1]
    if is_not_a_record(path):
        reason = TEMPLATE if "template" in name.lower() else INDEX
        article = "an" if reason == INDEX else "a"
        return Skipped(path, reason, f"{article} {reason} of the decision log, not a record")
    title, _ = title_and_number(headings(prose_lines(doc.body, doc.body_line)))
    if is_template_title(title) and decision_number(path) is None:
        # A numbered file is a record even when its title is still the template's: adopt
        # gives it a title from its file name, as a FILL-IN.
        return Skipped(path, TEMPLATE, "a template: its title is still a placeholder")
    return None


def _plain(path: str, doc: Document) -> DecisionReading:
    reading = DecisionReading(path, PLAIN)
    reading.title, from_title = title_and_number(headings(prose_lines(doc.body, doc.body_line)))
    reading.number = number_of(path, from_title)
    return reading


def detect_kind(path: str, raw: bytes) -> str | None:
    """'decision' or 'model-card' when the file is a record or card in a format mltriad
    reads (in its own format or another tool's), else None. For files no policy glob
    locates, such as a folder of records checked by path."""
    if not path.lower().endswith(SUFFIXES):
        return None
    reading = read(path, raw)
    return None if isinstance(reading, Skipped) else reading.kind


def _has_madr_sections(doc: Document) -> bool:
    return madr.looks_like_madr([h.text for h in headings(prose_lines(doc.body, doc.body_line))])


def reading_of(kind: str, path: str, doc: Document | None, raw: bytes) -> Reading | None:
    """The legacy reading of an artifact `check` loaded, or None when it is in mltriad's
    format (or a Markdown file without metadata, which MT008 reports)."""
    if kind == "model-card" and path.lower().endswith(".json"):
        reading = toolkit.read(path, raw)
        return reading if isinstance(reading, ModelCardReading) else None
    if doc is None or kind not in ("decision", "model-card"):
        return None
    if kind == "decision" and not doc.has_front_matter:
        found = read_document(path, doc, kind)
        if not isinstance(found, DecisionReading):
            return None
        if found.format == PLAIN and not _has_madr_sections(doc):
            return None  # a Markdown file without metadata: MT008 says what it needs
        return found  # MADR 4 makes front matter optional: a record with its sections is one
    if not doc.has_front_matter or not isinstance(doc.data, dict):
        return None
    if kind == "decision" and not in_triad_format(doc):
        return madr.read(path, doc)
    if kind == "model-card" and not has_triad_keys(doc.data):
        return huggingface.read(path, doc)
    return None
