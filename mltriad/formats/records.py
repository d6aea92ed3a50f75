"""What the decision-record readers share: the title, the number, the header lines."""

from __future__ import annotations

import re

from mltriad.artifacts import decision_number
from mltriad.formats.markdown import Heading, Line, first_title
from mltriad.formats.model import DecisionReading, Found, Note
from mltriad.formats.names import LEGACY_VALUE
from mltriad.formats.values import is_choice_list, read_status
from mltriad.policy import LIFECYCLE

_NUMBERED_TITLE = re.compile(r"^(?:ADR[-_ ]?)?(\d{1,5})[.:)]?\s+(.+)$", re.IGNORECASE)
_FIELD_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<key>[A-Za-z][A-Za-z -]{0,30}?)\s*:\s*(?P<value>.*)$"
)

# Keys of the "Key: value" lines under a record's title (MADR 2 bullets, Nygard's Date).
HEADER_KEYS = {
    "status": "status",
    "date": "date",
    "deciders": "decision-makers",
    "decision makers": "decision-makers",
    "decision-makers": "decision-makers",
    "consulted": "consulted",
    "informed": "informed",
    "tags": "tags",
}


def title_and_number(found: list[Heading]) -> tuple[Found[str] | None, int | None]:
    """The first level-1 heading, without a leading 'N.' (Nygard), and that number."""
    heading = first_title(found)
    if heading is None or not heading.text:
        return None, None
    match = _NUMBERED_TITLE.match(heading.text)
    if match:
        return Found(match.group(2).strip(), heading.line, heading.text), int(match.group(1))
    return Found(heading.text, heading.line, heading.text), None


def is_template_title(title: Found[str] | None) -> bool:
    """'{short title, representative of solved problem and found solution}' and the like."""
    if title is None:
        return False
    text = title.text.strip()
    return is_choice_list(text) or bool(re.match(r"^[\[{].*[\]}]$", text))


def title_from_name(path: str) -> str:
    """'docs/adr/0002-use-kafka-for-events.md' -> 'Use kafka for events'."""
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = re.sub(r"^(?:ADR[-_ ]?)?\d+[-_ .]*", "", stem, flags=re.IGNORECASE)
    text = " ".join(re.split(r"[-_\s]+", words)).strip() or stem
    return text[:1].upper() + text[1:]


def header_lines(lines: list[Line], found: list[Heading]) -> list[Line]:
    """The prose lines between the title and the first section heading."""
    title = first_title(found)
    start = title.line if title else 0
    later = [h.line for h in found if h.line > start and h.level > 1]
    end = later[0] if later else None
    return [ln for ln in lines if ln.number > start and (end is None or ln.number < end)]


def header_fields(lines: list[Line]) -> dict[str, Line]:
    """'Key: value' lines (bulleted or not) whose key is a known metadata field."""
    fields: dict[str, Line] = {}
    for line in lines:
        match = _FIELD_LINE.match(line.text)
        if not match:
            continue
        key = HEADER_KEYS.get(" ".join(match.group("key").lower().split()))
        if key and key not in fields:
            fields[key] = Line(line.number, match.group("value").strip())
    return fields


def number_of(path: str, from_title: int | None) -> int | None:
    number = decision_number(path)
    return number if number is not None else from_title


def set_status(reading: DecisionReading, text: str, line: int) -> None:
    """Read a status line into `reading`, noting a value that is written another way."""
    status = read_status(text)
    if status is None:
        if text.strip() and not is_choice_list(text):
            reading.notes.append(
                Note(
                    LEGACY_VALUE,
                    f"the status '{text.strip()}' is none of {', '.join(LIFECYCLE)} or "
                    "'superseded by NNNN'; write the one it means",
                    line,
                    "status",
                )
            )
        return
    reading.status = Found(status.value, line, text.strip())
    if status.superseded_by:
        reading.superseded_by = Found(status.superseded_by, line, text.strip())
    if not status.exact:
        reading.notes.append(
            Note(
                LEGACY_VALUE,
                f"the status '{text.strip()}' is read as '{status.value}'",
                line,
                "status",
                status.value,
            )
        )
