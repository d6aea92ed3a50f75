"""MT211: the Markdown body has the sections triad.yaml requires for its kind."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mltriad.artifacts import Artifact
from mltriad.findings import Finding, define
from mltriad.markdown import classify_lines
from mltriad.rules.base import Context, checks

MISSING_SECTION = define(
    "MT211",
    "missing-section",
    "The body lacks a section that triad.yaml requires.",
    example="# a model card with no '## Limitations' heading",
    fix="Add the heading and its text; `sections:` in triad.yaml sets what is required.",
)

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normal(text: str) -> str:
    text = text.lower().replace("&", " and ")
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
    normals = [f" {normal(h)} " for h in found]
    return any(f" {normal(alt)} " in h for alt in alternatives for h in normals)


@checks("model-card", "decision")
def required_sections(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    doc = artifact.doc
    if doc is None or not doc.has_front_matter:
        return
    required = ctx.policy.sections.get(artifact.kind, ())
    if not required:
        return
    found = headings(artifact.body)
    for alternatives in required:
        if not has_section(found, alternatives):
            names = " or ".join(f"'## {a}'" for a in alternatives)
            yield artifact.finding(
                MISSING_SECTION.id,
                f"the body has no {names} section; add "
                "it (sections in triad.yaml sets what is required)",
                line=doc.body_line,
            )
