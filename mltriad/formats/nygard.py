"""Michael Nygard's records, as adr-tools writes them.

    # 2. Use Helm for application package management

    Date: 2021-08-16

    ## Status

    Superseded by [9. Use Kustomize](0009-use-kustomize.md)

adr-tools spells the other direction 'Supercedes [1. ...](0001-...md)'; both spellings of
both directions are read. Amends/Clarifies links are not part of the lifecycle.
"""

from __future__ import annotations

from mltriad.documents import Document
from mltriad.formats.madr2 import read_fields
from mltriad.formats.markdown import Heading, Line, first_title, headings, prose_lines, section
from mltriad.formats.model import DecisionReading, Found
from mltriad.formats.names import NYGARD
from mltriad.formats.records import (
    header_fields,
    header_lines,
    number_of,
    set_status,
    title_and_number,
)
from mltriad.formats.values import read_status, read_supersedes

_NUMBERED = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")


def matches(lines: list[Line], found: list[Heading]) -> bool:
    """A '## Status' section, or a numbered title with a 'Date:' line under it."""
    if any(h.level > 1 and h.text.strip().lower() == "status" for h in found):
        return True
    title = first_title(found)
    numbered = title is not None and title.text.startswith(_NUMBERED)
    return numbered and "date" in header_fields(header_lines(lines, found))


def read(path: str, doc: Document) -> DecisionReading:
    lines = prose_lines(doc.body, doc.body_line)
    found = headings(lines)
    reading = DecisionReading(path, NYGARD)
    reading.title, from_title = title_and_number(found)
    reading.number = number_of(path, from_title)
    read_fields(reading, header_fields(header_lines(lines, found)))
    _status_section(reading, [ln for ln in section(lines, found, "Status") if ln.text.strip()])
    return reading


def _status_section(reading: DecisionReading, lines: list[Line]) -> None:
    """The status of the Status section (its first status word, or a supersede link), and
    every 'Supersedes' link in it."""
    first: Line | None = None
    superseded: Line | None = None
    recognised: Line | None = None
    for line in lines:
        text = line.text.strip().lstrip("*-+ ").strip()
        ref = read_supersedes(text)
        if ref is not None:
            reading.supersedes.append(Found(ref, line.number, text))
            continue
        status = read_status(text)
        if status is not None and status.superseded_by:
            superseded = superseded or Line(line.number, text)
        elif status is not None and recognised is None:
            recognised = Line(line.number, text)
        if first is None:
            first = Line(line.number, text)
    chosen = superseded or recognised or first
    if chosen is not None:
        set_status(reading, chosen.text, chosen.number)
