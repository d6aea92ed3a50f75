"""Small value helpers shared by every layer: ids, placeholders, numbers written as text."""

from __future__ import annotations

import math
import re
from typing import Any

PLACEHOLDER = "FILL-IN"


def placeholder(hint: str) -> str:
    """The text of a placeholder, as templates write it: `FILL-IN what the model receives`."""
    return f"{PLACEHOLDER} {hint}".rstrip()


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
