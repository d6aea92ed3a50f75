"""MT008, MT1xx, MT204, MT220, MT221: documents of the team's own kinds (`kinds:` in triad.yaml)
against their kind's schema, its id field and the references its schema marks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from mltriad.artifacts import Artifact, name_of
from mltriad.findings import Finding, define
from mltriad.rules.base import TEAM_KINDS, Context, checks
from mltriad.rules.references import ID_MISMATCH
from mltriad.schemas import REF_KEYWORD, did_you_mean
from mltriad.values import PLACEHOLDER

UNKNOWN_REFERENCE = define(
    "MT220",
    "unknown-reference",
    f"A field that a kind's schema marks as a reference ({REF_KEYWORD}: KIND) names an "
    "artifact of that kind that does not exist.",
    example="model: fraud-detecter   # no model card fraud-detecter; did you mean fraud-detector?",
    fix="Fix the name (the message suggests the nearest one), or create the artifact.",
)

TWO_KINDS = define(
    "MT221",
    "two-kinds",
    "The path globs of two kinds both match a file (a kind of the team's own declared over "
    "the model cards' folder, say): a file is one kind, so it is checked as the first only.",
    example="kinds:\n  prd:\n    paths: [model-cards/*.md]   # model-cards/*.md holds model cards",
    fix="Narrow the kind's `paths` in triad.yaml (or move its documents) so that no file is "
    "under two kinds.",
)


@checks(TEAM_KINDS)
def kind_schema_valid(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    doc = artifact.doc
    assert doc is not None
    kind = ctx.policy.kinds[artifact.kind]
    if artifact.markdown and not doc.has_front_matter:
        yield artifact.finding(
            "MT008",
            "the file has no YAML front matter; start it with a line `---`, the fields "
            f"of a {kind.singular}, and another `---` line (`mltriad new {kind.id}` "
            "writes a template)",
        )
        return
    yield from kind.schema.validate(doc.data, doc)


@checks(TEAM_KINDS)
def kind_id_matches_file_name(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    field = ctx.policy.kinds[artifact.kind].id_field
    value = artifact.data.get(field) if field else None
    expected = name_of(artifact.path)
    if field and isinstance(value, str) and value != expected:
        yield artifact.finding(
            ID_MISMATCH.id,
            f"the {field} '{value}' differs from the file name '{expected}'; rename one so "
            "they match",
            [field],
        )


@checks(TEAM_KINDS)
def kind_references(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    for reference in ctx.policy.kinds[artifact.kind].schema.references:
        target = reference.kind
        for where, value in _values(artifact.data, list(reference.where)):
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                continue  # a value of the wrong type is the schema's finding
            if isinstance(value, str) and PLACEHOLDER in value:
                continue  # not filled in yet: MT601 says so
            if ctx.repo.find(target, value) is not None:
                continue
            names = [name_of(p) for p in ctx.repo.paths(target)]
            hint = did_you_mean(str(value), names)
            yield artifact.finding(
                UNKNOWN_REFERENCE.id,
                f"{_field_name(where)} names the {target} '{value}', which does not "
                f"exist ({ctx.policy.globs_text(target)})"
                + (f"; did you mean '{hint}'?" if hint else ""),
                where,
            )


def _values(data: Any, where: list[str]) -> Iterator[tuple[list[str | int], Any]]:
    """(path, value) of each value at `where` in `data` (`*`: each item of a list); a list
    where a single name is expected is each of its items."""
    if not where:
        if isinstance(data, list):
            for i, item in enumerate(data):
                yield [i], item
        else:
            yield [], data
        return
    step, rest = where[0], where[1:]
    if step == "*":
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from (([i, *path], value) for path, value in _values(item, rest))
    elif isinstance(data, dict) and step in data:
        yield from (([step, *path], value) for path, value in _values(data[step], rest))


def _field_name(where: list[str | int]) -> str:
    """['models', 0] -> 'models[0]'."""
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
