"""MT008, MT1xx: every artifact against the JSON Schema of its kind."""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.artifacts import Artifact
from mltriad.findings import Finding
from mltriad.rules.base import Context, checks
from mltriad.schemas import validate


@checks("model-card", "decision", "eval-set", "signoff")
def schema_valid(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    doc = artifact.doc
    assert doc is not None
    if artifact.kind in ("model-card", "decision") and not doc.has_front_matter:
        yield artifact.finding(
            "MT008",
            "the file has no YAML front matter; start it with a line "
            "`---`, the metadata, and another `---` line (`mltriad new "
            f"{artifact.kind}` writes a template)",
        )
        return
    yield from validate(artifact.kind, doc.data, doc)
