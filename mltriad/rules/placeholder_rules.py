"""MT601-MT602: placeholders that `mltriad new` (or an adoption) left for a person to replace.

The convention: the word FILL-IN, in capitals, marks a placeholder. It stands either in a
value, followed by a hint of what belongs there (`input: FILL-IN what the model receives`),
or in a YAML comment after a suggested value that a person must confirm
(`driver: ml-engineer  # FILL-IN the role that drives this decision`). Replacing the value
and deleting the comment clears the finding. Every line of an artifact that still holds
the word is reported, so nothing half-written can merge unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mltriad.artifacts import Artifact
from mltriad.findings import Finding, ParseError, define, finding
from mltriad.policy import DECISION_FIELDS
from mltriad.rules.base import TEAM_KINDS, Context, checks
from mltriad.snapshot import normalize
from mltriad.values import PLACEHOLDER, TEMPLATE_TEXT, template_text, unfilled

_WORD = re.compile(r"(?<![A-Za-z0-9_-])FILL-IN(?![A-Za-z0-9_])")
_COMMENT = re.compile(r"(?:^|\s)#\s*$")
_QUOTE_LENGTH = 90

LEFT_IN_PLACE = define(
    "MT601",
    "placeholder",
    "A placeholder is still in the artifact: the word FILL-IN written by `mltriad new`, or "
    "in a decision record's front matter the {curly-brace} text of MADR's template.",
    example="task:\n  input: FILL-IN what the model receives",
    fix="Replace the placeholder with the real text or value; where FILL-IN is in a comment "
    "after a suggested value, confirm or change the value and delete the comment.",
)
LABEL_SPEC_PLACEHOLDER = define(
    "MT602",
    "label-spec-placeholder",
    "The label specification an evaluation set names still holds placeholders (FILL-IN).",
    example="label_spec: docs/labels/churn-holdout.md   # still says 'FILL-IN each label'",
    fix="Write the labelling rules into the label specification, replacing every FILL-IN.",
)


@dataclass(frozen=True)
class Placeholder:
    """One placeholder: where it is, whether it sits in a comment, and its text."""

    line: int
    col: int
    in_comment: bool
    text: str


def find_placeholders(text: str, *, prose_from: int | None = None) -> list[Placeholder]:
    """Every line of `text` that holds the placeholder word (the first occurrence per line).

    Lines from `prose_from` on are Markdown, where `#` starts a heading, not a comment.
    """
    if PLACEHOLDER not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _WORD.search(line)
        if match is None:
            continue
        yaml_line = prose_from is None or number < prose_from
        in_comment = yaml_line and bool(_COMMENT.search(line[: match.start()]))
        quoted = _quote(line, match, in_comment=in_comment, yaml_line=yaml_line)
        found.append(Placeholder(number, match.start() + 1, in_comment, quoted))
    return found


def _quote(line: str, match: re.Match[str], *, in_comment: bool, yaml_line: bool) -> str:
    """The placeholder as written: from the word (or its comment's #) to the next one."""
    start = line.rfind("#", 0, match.start()) if in_comment else match.start()
    following = _WORD.search(line, match.end())
    end = following.start() if following else len(line)
    comment = re.search(r"\s#", line[match.end() : end]) if yaml_line and not in_comment else None
    if comment is not None:  # a value's placeholder ends where a comment after it starts
        end = match.end() + comment.start()
    quoted = " ".join(line[start:end].split()).rstrip(" ,;")
    if len(quoted) > _QUOTE_LENGTH:
        quoted = quoted[: _QUOTE_LENGTH - 3].rstrip() + "..."
    return quoted


def _message(item: Placeholder) -> str:
    if item.in_comment:
        return (
            f"suggested value not confirmed yet ('{item.text}'); confirm or change the value, "
            "then delete the comment"
        )
    return f"placeholder left in place ('{item.text}'); replace it with the real text or value"


@checks("decision")
def template_text_left(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    """A key of a record that still holds the text of MADR's template (`{list everyone
    involved in the decision}`): a placeholder too, in MADR's convention."""
    required = ctx.policy.decisions.required_fields
    for name, value in artifact.data.items():
        if name not in DECISION_FIELDS or unfilled(value) != TEMPLATE_TEXT:
            continue
        quoted = template_text(value)
        if len(quoted) > _QUOTE_LENGTH:
            quoted = quoted[: _QUOTE_LENGTH - 3].rstrip() + "..."
        then = (
            "; " + ctx.policy.requires("decisions.required_fields")
            if name in required
            else ", or delete the key (it is optional)"
        )
        yield artifact.finding(
            LEFT_IN_PLACE.id,
            f"`{name}` still holds the template's placeholder ('{quoted}'): fill it in{then}",
            [name],
        )


@checks("model-card", "decision", "eval-set", "glossary", TEAM_KINDS)
def placeholders_left(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    if artifact.doc is None or PLACEHOLDER.encode() not in artifact.raw:
        return
    doc = artifact.doc
    prose_from = doc.body_line if artifact.markdown else None
    for item in find_placeholders(doc.text, prose_from=prose_from):
        yield finding(LEFT_IN_PLACE, artifact.path, _message(item), item.line, item.col)


@checks("eval-set")
def label_spec_placeholders(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    spec = artifact.data.get("label_spec")
    clean = normalize(spec) if isinstance(spec, str) else None
    if clean is None or not ctx.repo.snapshot.exists(clean):
        return  # a missing or escaping label_spec is MT213's or MT012's finding
    try:
        raw = ctx.repo.snapshot.read_bytes(clean, ctx.policy.max_file_bytes)
    except (ParseError, OSError):
        return  # an oversize or unreadable label_spec is not a placeholder problem
    if PLACEHOLDER.encode() not in raw:
        return
    found = find_placeholders(raw.decode("utf-8", errors="replace"))
    if found:
        first = found[0]
        yield artifact.finding(
            LABEL_SPEC_PLACEHOLDER.id,
            f"the label specification {clean} still holds {len(found)} placeholder(s) "
            f"({PLACEHOLDER}, first on line {first.line}); write how the cases are labelled "
            "there",
            ["label_spec"],
        )
