"""MT211: the Markdown body has the sections triad.yaml requires for its kind."""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.artifacts import Artifact
from mltriad.findings import Finding, define
from mltriad.markdown import has_section, headings
from mltriad.rules.base import TEAM_KINDS, Context, checks

MISSING_SECTION = define(
    "MT211",
    "missing-section",
    "The body lacks a section that triad.yaml requires.",
    example="# a model card with no '## Limitations' heading",
    fix="Add the heading and its text; `sections:` in triad.yaml sets what is required.",
)


@checks("model-card", "decision", TEAM_KINDS)
def required_sections(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    doc = artifact.doc
    if doc is None or not doc.has_front_matter or not artifact.markdown:
        return
    required = ctx.policy.sections.get(artifact.kind, ())
    if not required:
        return
    found = headings(artifact.body)
    for alternatives in required:
        if not has_section(found, alternatives):
            names = " or ".join(f"'## {a}'" for a in alternatives)
            setting = (
                f"kinds.{artifact.kind}.sections"
                if artifact.kind in ctx.policy.kinds
                else "sections"
            )
            yield artifact.finding(
                MISSING_SECTION.id,
                f"the body has no {names} section; add "
                f"it ({setting} in triad.yaml sets what is required)",
                line=doc.body_line,
            )
