"""Values as other tools write them, read in the triad's terms: statuses, dates, people."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from mltriad.formats.markdown import link_target_stem, unlink

# The first words of a status, as teams write them, and the lifecycle status they mean.
_STATUS_WORDS = {
    "proposed": "proposed",
    "proposal": "proposed",
    "pending": "proposed",
    "draft": "proposed",
    "open": "proposed",
    "in progress": "proposed",
    "in review": "proposed",
    "under review": "proposed",
    "review": "proposed",
    "in discussion": "proposed",
    "on hold": "proposed",
    "suggested": "proposed",
    "wip": "proposed",
    "accepted": "accepted",
    "approved": "accepted",
    "agreed": "accepted",
    "adopted": "accepted",
    "decided": "accepted",
    "done": "accepted",
    "implemented": "accepted",
    "active": "accepted",
    "rejected": "rejected",
    "declined": "rejected",
    "refused": "rejected",
    "abandoned": "rejected",
    "deprecated": "deprecated",
    "obsolete": "deprecated",
    "retired": "deprecated",
    "withdrawn": "deprecated",
    "archived": "deprecated",
}
_SUPERSEDED = re.compile(
    r"^\s*(?:superseded|superceded|replaced)\s+by\b[\s:]*(?P<ref>.*)$", re.IGNORECASE
)
_SUPERSEDES = re.compile(
    r"^\s*(?:supersedes|supercedes|replaces)\b[\s:]*(?P<ref>.*)$", re.IGNORECASE
)
_CHOICES = re.compile(r"^\s*[\[{].*\|.*[\]}]\s*$|^\s*\{.*\}\s*$")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%d %B, %Y",
)
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Status:
    """A lifecycle status read from text. `exact` is False when the text uses another word
    for it ('Pending', 'On hold', adr-tools' 'Superceded by'): the reader maps it."""

    value: str
    superseded_by: str | None
    exact: bool


def braced(value: Any) -> Any:
    """The value a template's braces still hold: YAML reads `status: { accepted }` as the
    mapping {accepted: null}, `deciders: { Ann, Bob }` as {Ann: null, Bob: null}. Such a
    mapping gives its key (or its keys, as a list); a template's own instructions in braces
    (`{YYYY-MM-DD when the decision was last updated}`, `{list everyone involved}`) give
    None: not filled in. Any other value is returned as it is."""
    if not (isinstance(value, dict) and value and all(v is None for v in value.values())):
        return value
    keys = list(value)
    if len(keys) == 1 and isinstance(keys[0], str) and _instructions(keys[0]):
        return None
    return keys[0] if len(keys) == 1 else [str(k) for k in keys]


def _instructions(text: str) -> bool:
    """A template's text for a person to replace, not a value: 'list everyone involved in
    the decision', 'YYYY-MM-DD when ...', 'proposed | rejected | ...'."""
    words = text.split()
    return "|" in text or "YYYY" in text or (len(words) >= 3 and words[0][:1].islower())


def is_choice_list(text: str) -> bool:
    """A template's unfilled value: '[proposed | accepted | ...]' or '{short title}'."""
    return bool(_CHOICES.match(text))


def read_status(text: str) -> Status | None:
    """'Accepted' -> accepted; 'Superseded by [3. Foo](0003-foo.md)' -> 'superseded by 0003-foo'.

    None when the text is empty, a template's list of choices, or no known status.
    """
    clean = " ".join(text.split())
    if not clean or is_choice_list(clean):
        return None
    superseded = _SUPERSEDED.match(clean)
    if superseded:
        ref = reference(superseded.group("ref"))
        if ref is None:
            return None
        return Status(f"superseded by {ref}", ref, clean.lower().startswith("superseded by"))
    words = re.sub(r"[^a-z ]+", " ", unlink(clean).lower()).split()
    for size in (2, 1):
        first = " ".join(words[:size])
        if len(words) >= size and first in _STATUS_WORDS:
            value = _STATUS_WORDS[first]
            return Status(value, None, first == value)
    return None


def read_supersedes(text: str) -> str | None:
    """The record named by 'Supersedes [1. Foo](0001-foo.md)' (adr-tools writes 'Supercedes')."""
    match = _SUPERSEDES.match(" ".join(text.split()))
    return reference(match.group("ref")) if match else None


def reference(text: str) -> str | None:
    """A record reference from link text: the linked file's name, else the text itself."""
    stem = link_target_stem(text)
    if stem:
        return stem
    plain = unlink(text).strip().strip(".,;:()[]")
    if not plain or not re.search(r"\d", plain):
        return None
    return plain.split()[0] if re.match(r"^(?:ADR[-_ ]?)?\d", plain, re.IGNORECASE) else plain


def read_date(value: Any) -> str | None:
    """YYYY-MM-DD from the ways dates are written; None when unreadable or ambiguous.

    '08/28/2020' is read as 28 August (only a month can be 08 there), but '05/06/2021'
    could be May or June, so it is not guessed.
    """
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, str):
        return None
    text = _ORDINAL.sub(r"\1", " ".join(unlink(value).split())).strip(" .")
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text):
        text = text[:10]
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).strftime("%Y-%m-%d")
        except ValueError:
            continue
    slashed = _SLASHED.match(text)
    if slashed:
        a, b, year = (int(g) for g in slashed.groups())
        if a > 12 >= b:
            return _valid(year, b, a)
        if b > 12 >= a:
            return _valid(year, a, b)
    return None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).strftime("%Y-%m-%d")
    except ValueError:
        return None


def read_people(value: Any) -> list[str] | None:
    """Names from a YAML list, a flow list, or a comma- or semicolon-separated string."""
    if isinstance(value, list):
        names = [str(v).strip() for v in value if v is not None and str(v).strip()]
    elif isinstance(value, str):
        text = value.strip()
        bracketed = re.match(r"^\[([^\]]*)\]$", text)
        if is_choice_list(text) or (bracketed and "," not in text):
            return None  # a template's '[list everyone involved in the decision]'
        if bracketed:
            text = bracketed.group(1)
        names = [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
    else:
        return None
    return names or None


def read_tags(value: Any) -> list[str] | None:
    """Tags from a list, or a string of tags separated by commas or spaces."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()] or None
    if isinstance(value, str) and not is_choice_list(value):
        return [t for t in re.split(r"[,\s]+", value) if t] or None
    return None
