"""Reading Markdown bodies line by line, telling fenced code from prose."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mltriad.values import placeholder

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NOT_ALNUM = re.compile(r"[\W_]+")  # letters and digits of any script are kept
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")


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


def normal(text: str) -> str:
    """A heading's words: case folded, `&` read as `and`, punctuation dropped."""
    text = text.casefold().replace("&", " and ")
    return " ".join(_NOT_ALNUM.sub(" ", text).split())


def headings(body: str) -> list[str]:
    """ATX and setext headings of a Markdown body, outside fenced code."""
    found: list[str] = []
    previous = ""
    for line, in_code in classify_lines(body.splitlines()):
        if in_code:
            previous = ""
            continue
        match = _HEADING.match(line)
        if match:
            found.append(match.group(2))
        elif _SETEXT.match(line) and previous.strip():
            found.append(previous.strip())
        previous = line
    return found


def has_section(found: list[str], alternatives: tuple[str, ...]) -> bool:
    """Whether a heading of any level contains, as whole words in order, the words of one
    of `alternatives`, ignoring case and punctuation (`&` is `and`): `## Known limitations`
    has the section `Limitations`, `## Bias, risks & limitations` has
    `Bias, Risks, and Limitations`."""
    normals = [f" {normal(h)} " for h in found]
    return any(f" {normal(alt)} " in h for alt in alternatives for h in normals)


# What to write under a section the policy requires and the text lacks.
_SECTION_HINTS = {
    "context and problem statement": "the problem in two or three sentences: what forced a decision?",
    "context": "the problem in two or three sentences: what forced a decision?",
    "considered options": "each option that was considered, the chosen one among them",
    "options": "each option that was considered, the chosen one among them",
    "decision outcome": "the chosen option, and why it won over the others",
    "decision": "the chosen option, and why it won over the others",
    "intended use": "who uses the model's output, for which decision, and what happens next",
    "limitations": "where the model is known to fail, and what it was not tested on",
}


def missing_sections(body: str, required: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The `required` sections (each a tuple of accepted headings) that `body` lacks."""
    found = headings(body)
    return [alts for alts in required if not has_section(found, alts)]


def with_sections(text: str, missing: list[tuple[str, ...]]) -> str:
    """`text` with a FILL-IN section appended for each missing one; `text` stays a prefix."""
    eol = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    added = [] if text.endswith("\n") else [eol]
    for alternatives in missing:
        name = alternatives[0]
        hint = _SECTION_HINTS.get(name.lower(), f"what the {name.lower()} section says")
        added.append(f"{eol}## {name}{eol}{eol}{placeholder(hint)}{eol}")
    return text + "".join(added)
