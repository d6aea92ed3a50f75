"""`path:line:col: severity RULE: message`, one finding per line, then a summary line."""

from __future__ import annotations

import re
from typing import TextIO

from mltriad.findings import Finding
from mltriad.report.model import Report

# Line breaks, other control characters (ANSI escapes among them) and the Unicode
# characters that reorder or break a line: a value from a file or from git (a signer's
# name, a note, a file name) must not be able to start a line of its own, or to change
# how a terminal shows the rest.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def visible(value: str) -> str:
    """`value` on one line, each unsafe character as a visible escape (`\\n`, `\\x1b`)."""
    return _UNSAFE.sub(lambda m: _NAMED.get(m.group(), _code(m.group())), value)


def markdown_cell(value: str) -> str:
    """`value` for a cell of a Markdown table: one visible line, its pipes escaped."""
    return visible(value).replace("|", "\\|")


def _code(char: str) -> str:
    point = ord(char)
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def line(f: Finding) -> str:
    return visible(f"{f.path}:{f.line}:{f.col}: {f.severity.value} {f.rule}: {f.message}")


def render(report: Report, out: TextIO) -> None:
    for note in report.lead:
        out.write(visible(note) + "\n")
    for f in report.findings:
        out.write(line(f) + "\n")
    for note in report.notes:
        out.write(visible(note) + "\n")
    out.write(report.summary_line() + "\n")
