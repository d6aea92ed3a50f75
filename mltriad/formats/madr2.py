"""MADR 2 (and log4brains, which uses it): metadata as bullets under the title.

# Use Markdown Architectural Decision Records

* Status: accepted
* Deciders: Alice, Bob
* Date: 2020-09-24
"""

from __future__ import annotations

from mltriad.documents import Document
from mltriad.formats.markdown import Heading, Line, headings, prose_lines
from mltriad.formats.model import DecisionReading, Found, Note
from mltriad.formats.names import LEGACY_VALUE, MADR2
from mltriad.formats.records import (
    header_fields,
    header_lines,
    number_of,
    set_status,
    title_and_number,
)
from mltriad.formats.values import read_date, read_people, read_tags

_METADATA = ("status", "date", "decision-makers")


def matches(lines: list[Line], found: list[Heading]) -> bool:
    """A status, date or deciders line between the title and the first section."""
    fields = header_fields(header_lines(lines, found))
    return any(key in fields for key in _METADATA)


def read(path: str, doc: Document) -> DecisionReading:
    lines = prose_lines(doc.body, doc.body_line)
    found = headings(lines)
    reading = DecisionReading(path, MADR2)
    reading.title, from_title = title_and_number(found)
    reading.number = number_of(path, from_title)
    fields = header_fields(header_lines(lines, found))
    read_fields(reading, fields)
    return reading


def read_fields(reading: DecisionReading, fields: dict[str, Line]) -> None:
    """Status, date, people and tags from 'Key: value' lines."""
    if "status" in fields:
        set_status(reading, fields["status"].text, fields["status"].number)
    if "date" in fields:
        _set_date(reading, fields["date"])
    for key, attribute in (
        ("decision-makers", "decision_makers"),
        ("consulted", "consulted"),
        ("informed", "informed"),
    ):
        if key in fields:
            people = read_people(fields[key].text)
            if people:
                setattr(reading, attribute, Found(people, fields[key].number, fields[key].text))
    if "tags" in fields:
        tags = read_tags(fields["tags"].text)
        if tags:
            reading.tags = Found(tags, fields["tags"].number, fields["tags"].text)


def _set_date(reading: DecisionReading, line: Line) -> None:
    iso = read_date(line.text)
    if iso is not None:
        reading.date = Found(iso, line.number, line.text)
    elif line.text.strip():
        reading.notes.append(
            Note(
                LEGACY_VALUE,
                f"the date '{line.text.strip()}' cannot be read as a day (it may be "
                "ambiguous); write it as YYYY-MM-DD",
                line.number,
                "date",
            )
        )
