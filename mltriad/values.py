"""Small value helpers shared by every layer: ids, placeholders, numbers written as text."""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

PLACEHOLDER = "FILL-IN"


def metric_key(name: str) -> str:
    """Metric names (and glossary terms) compare without case and with '-', '_' and
    spaces alike."""
    return re.sub(r"[\s_-]+", "_", name.strip().lower())


def placeholder(hint: str) -> str:
    """The text of a placeholder, as templates write it: `FILL-IN what the model receives`."""
    return f"{PLACEHOLDER} {hint}".rstrip()


# Why a front-matter value is not filled in yet (`unfilled`).
EMPTY = "empty"
TEMPLATE_TEXT = "template text"


def unfilled(value: Any) -> str | None:
    """EMPTY when a key has no value (`date:`, as MADR's bare template writes it), TEMPLATE_TEXT
    when it still holds a template's text in curly braces (MADR's `{YYYY-MM-DD when the
    decision was last updated}`, which YAML reads as a mapping, or a quoted `"{proposed |
    ...}"`), None when it holds a value."""
    if value is None or value == [] or value == {}:
        return EMPTY
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return EMPTY
        return TEMPLATE_TEXT if text.startswith("{") else None
    if isinstance(value, dict) and all(v is None for v in value.values()):
        return TEMPLATE_TEXT
    return None


def template_text(value: Any) -> str:
    """The template text a value holds, as the file wrote it (near enough) for a message."""
    if isinstance(value, dict):
        return "{" + ", ".join(str(k) for k in value) + "}"
    return str(value).strip()


def slug(text: str) -> str:
    """An id: lowercase letters and digits in words joined by dashes ('' if none)."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


_NUMBER = r"[-+\u2212]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"


_VALUE = re.compile(
    rf"^\s*(?P<value>{_NUMBER})\s*(?P<pct>%?)"
    rf"(?:\s*(?:\u00b1|\+/-|\+-|\+/\u2212)\s*(?P<err>{_NUMBER})\s*(?P<errpct>%?))?\s*$"
)


def read_value(value: Any) -> tuple[float, float | None] | None:
    """A number and its uncertainty from a result value.

    Numbers are taken as they are; text may be '0.91', '0.91 ± 0.02', '267.40 +/- 17.45' or
    '91.2%' (a percentage is read as a fraction: 0.912); the uncertainty is returned apart.
    None if it is not such a value.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (float(value), None) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    match = _VALUE.match(value)
    if match is None:
        return None
    # '91.2 ± 1.1%' is (91.2 ± 1.1)%: a trailing percent sign applies to both numbers.
    scale = 100.0 if match.group("pct") or match.group("errpct") else 1.0
    number = _float(match.group("value")) / scale
    err = match.group("err")
    return number, (abs(_float(err)) / scale if err is not None else None)


def _float(text: str) -> float:
    return float(text.replace("\u2212", "-"))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run without the cyclic garbage collector, restoring its state afterwards.

    Parsed artifacts and a scored evaluation set's index are acyclic (reference counting
    frees them) and stay alive while they grow: the collector would only re-scan them
    again and again, which costs a third of a bulk check and makes joining predictions
    grow faster than the file.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
