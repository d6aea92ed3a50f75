"""MADR 3 and 4: metadata in YAML front matter (MADR 4 `decision-makers`, MADR 3 `deciders`).

Lists may be YAML lists, flow lists or comma-separated strings; a status may carry a link
('superseded by [ADR-0005](0005-example.md)'). The same reader reads mltriad's own
records, which are MADR 4 plus the triad's keys.
"""

from __future__ import annotations

from typing import Any

from mltriad.documents import Document
from mltriad.formats.markdown import headings, prose_lines
from mltriad.formats.model import DecisionReading, Found, Note
from mltriad.formats.names import LEGACY_KEY, MADR, RECORD_TRIAD_KEYS, TRIAD
from mltriad.formats.records import number_of, set_status, title_and_number
from mltriad.formats.values import braced, read_date, read_people, read_tags, reference

# Keys a MADR record's front matter may have.
MADR_KEYS = frozenset({"status", "date", "decision-makers", "deciders", "consulted", "informed"})
# Headings of a MADR body (any version).
MADR_HEADINGS = frozenset(
    {"context and problem statement", "considered options", "decision outcome", "decision drivers"}
)


def looks_like_madr(heading_texts: list[str]) -> bool:
    """Two of MADR's section headings: a record even when its front matter has no status."""
    return len(MADR_HEADINGS & {h.lower() for h in heading_texts}) >= 2


def read(path: str, doc: Document) -> DecisionReading:
    written: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    # `status: { accepted }` left in a template's braces: the value inside.
    data = {k: braced(v) if k in MADR_KEYS else v for k, v in written.items()}
    keys = frozenset(data)
    reading = DecisionReading(
        path, TRIAD if keys & RECORD_TRIAD_KEYS else MADR, front_matter_keys=keys
    )
    lines = prose_lines(doc.body, doc.body_line)
    title, from_title = title_and_number(headings(lines))
    if isinstance(data.get("title"), str) and data["title"].strip():
        line = doc.locate(["title"])[0]
        title = Found(data["title"].strip(), line, data["title"])
    reading.title = title
    reading.number = number_of(path, from_title)
    _status(reading, data, doc)
    date = data.get("date")
    if date not in (None, ""):
        iso = read_date(date)
        if iso is not None:
            reading.date = Found(iso, doc.locate(["date"])[0], str(date))
    _people(reading, data, doc)
    tags = read_tags(data.get("tags"))
    if tags:
        reading.tags = Found(tags, doc.locate(["tags"], key=True)[0])
    _links(reading, data, doc)
    return reading


def _status(reading: DecisionReading, data: dict[str, Any], doc: Document) -> None:
    status = data.get("status")
    if isinstance(status, str):
        set_status(reading, status, doc.locate(["status"])[0])


def _people(reading: DecisionReading, data: dict[str, Any], doc: Document) -> None:
    key = "decision-makers" if "decision-makers" in data else "deciders"
    makers = read_people(data.get(key))
    if makers:
        reading.decision_makers = Found(makers, doc.locate([key], key=True)[0])
    if "deciders" in data:
        reading.notes.append(
            Note(
                LEGACY_KEY,
                "`deciders` is MADR 3's name for what MADR 4 and mltriad call "
                "`decision-makers`; did you mean 'decision-makers'?",
                doc.locate(["deciders"], key=True)[0],
                "deciders",
                "decision-makers",
            )
        )
    for name in ("consulted", "informed"):
        people = read_people(data.get(name))
        if people:
            setattr(reading, name, Found(people, doc.locate([name], key=True)[0]))


def _links(reading: DecisionReading, data: dict[str, Any], doc: Document) -> None:
    by = data.get("superseded-by")
    if isinstance(by, (str, int)) and not isinstance(by, bool) and str(by).strip():
        reading.superseded_by = Found(str(by), doc.locate(["superseded-by"])[0])
    listed = data.get("supersedes")
    for i, ref in enumerate(listed if isinstance(listed, list) else []):
        if isinstance(ref, (str, int)) and not isinstance(ref, bool):
            target = reference(str(ref)) or str(ref)
            reading.supersedes.append(Found(target, doc.locate(["supersedes", i])[0], str(ref)))
