"""MT008, MT1xx: every artifact against the JSON Schema of its kind."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mltriad import formats
from mltriad.artifacts import Artifact
from mltriad.findings import Finding
from mltriad.formats.names import EXTRA_KEY, LEGACY_KEY
from mltriad.rules.base import Context, checks
from mltriad.schemas import MISSING_PROPERTY, UNKNOWN_PROPERTY, WRONG_TYPE, schema, validate
from mltriad.values import unfilled

# The schema's "missing required field 'a', 'b'" for the document itself (not a nested part).
_TOP_LEVEL_MISSING = re.compile(r"^missing required field '[^']+'(?:, '[^']+')*$")


@checks("model-card", "decision", "eval-set", "glossary", "signoff")
def schema_valid(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    doc = artifact.doc
    assert doc is not None
    # A record or card in another tool's format: the legacy rules (MT5xx) say, field by
    # field, what it lacks, so the schema's one-line summary of the same is left out.
    reading = formats.reading_of(artifact.kind, artifact.path, doc, artifact.raw)
    if artifact.markdown and not doc.has_front_matter:
        if reading is None:
            yield artifact.finding(
                "MT008",
                "the file has no YAML front matter; start it with a line "
                "`---`, the metadata, and another `---` line (`mltriad new "
                f"{artifact.kind}` writes a template)",
            )
        return
    # A model card's Hub keys are judged as the Hub reads them: a null is absent.
    judged = formats.as_the_hub_reads(doc) if artifact.kind == "model-card" else doc
    data = _filled(judged.data) if artifact.kind == "decision" else judged.data
    found = validate(artifact.kind, data, judged)
    if reading is not None and not isinstance(reading, formats.Skipped):
        found = _not_said_by_legacy_rules(found, reading.notes)
    yield from found


def _filled(data: object) -> object:
    """A record's front matter without the keys it leaves empty or to a template's text:
    those are not filled in yet (MT101, MT502 and MT601 say so), not of a wrong type."""
    if not isinstance(data, dict):
        return data
    known = schema("decision")["properties"]
    return {k: v for k, v in data.items() if k not in known or unfilled(v) is None}


def _not_said_by_legacy_rules(found: list[Finding], notes: list[formats.Note]) -> list[Finding]:
    legacy_key_lines = {n.line for n in notes if n.kind == LEGACY_KEY}
    extra_key_lines = {n.line for n in notes if n.kind == EXTRA_KEY}  # MT508, a warning
    said_again = (UNKNOWN_PROPERTY.id, WRONG_TYPE.id)
    return [
        f
        for f in found
        if not (f.rule == MISSING_PROPERTY.id and _TOP_LEVEL_MISSING.match(f.message))
        and not (f.rule in said_again and f.line in legacy_key_lines)
        and not (f.rule == UNKNOWN_PROPERTY.id and f.line in extra_key_lines)
    ]
