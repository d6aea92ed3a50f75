"""Reading Markdown bodies line by line, telling fenced code from prose."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def classify_lines(lines: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Each line with True when it is a code fence or inside fenced code."""
    fence: str | None = None
    for line in lines:
        marker = _FENCE.match(line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0] * 3
            elif line.strip().startswith(fence):
                fence = None
        yield line, bool(marker) or fence is not None
