"""MT501-MT508: decision records and model cards in another tool's format.

A file that `mltriad adopt` would convert is read by the reader of its format
(`mltriad.formats`), and each thing the triad format needs that the file lacks is one
finding: owners per role, targets, failure modes, a driver and approvers, and so on.
Keys and values in a legacy form get their own findings, with the name mltriad expects.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mltriad import formats
from mltriad.artifacts import Artifact
from mltriad.findings import Finding, Severity, define
from mltriad.formats.names import (
    EXTRA_KEY,
    FORMAT_NAMES,
    LEGACY_KEY,
    LEGACY_VALUE,
    MADR2,
    MODEL_CARD_TOOLKIT,
    NYGARD,
)
from mltriad.rules.base import Context, checks
from mltriad.rules.decisions import decision_lacks
from mltriad.values import EMPTY, TEMPLATE_TEXT, unfilled

if TYPE_CHECKING:
    from mltriad.formats.model import DecisionReading, ModelCardReading

METADATA_IN_BODY = define(
    "MT501",
    "metadata-in-body",
    "A decision record keeps its status, date and people in its text (MADR 2 bullets, or "
    "Nygard's 'Date:' line and '## Status' section) instead of front matter.",
    example="# 2. Use Helm\n\nDate: 2021-08-16\n\n## Status\n\nAccepted\n",
    fix="Run `mltriad adopt PATH`: it copies the metadata into front matter and keeps the "
    "text as it is.",
)
DECISION_LACKS = define(
    "MT502",
    "decision-lacks",
    "A decision record in another tool's format lacks a key that triad.yaml requires of "
    "every record (decisions.required_fields; by default status, date, decision-makers, "
    "the driver role and the approving roles), or leaves it empty.",
    example="---\nstatus: accepted\ndate: 2024-05-02\n---   # no decision-makers, driver, approvers",
    fix="Add the field (`mltriad adopt PATH` writes each one, as a FILL-IN placeholder when it "
    "cannot be read from the record).",
)
CARD_LACKS = define(
    "MT503",
    "model-card-lacks",
    "A model card lacks something the triad format needs: an id, version and status, owners "
    "per role, the task, intended use, evaluation sets, targets or failure modes.",
    example="---\nlicense: apache-2.0\ntags: [text-classification]\n---   # a Hub card, no owners",
    fix="Add the field (`mltriad adopt PATH` writes each one, as a FILL-IN placeholder when it "
    "cannot be read from the card).",
)
LEGACY_KEY_RULE = define(
    "MT504",
    "legacy-key",
    "A key from an older version of a format, or a common misspelling: MADR 3's `deciders`, "
    "the Hub's `languages`, `licenses`, `library_tag`, text `task`, and `model_index`.",
    example="languages: [en]   # did you mean 'language'?",
    fix="Rename the key as the message says (`mltriad adopt PATH` does).",
)
LEGACY_VALUE_RULE = define(
    "MT505",
    "legacy-value",
    "A status or date in a record's text is written in a form mltriad reads as something "
    "else ('Pending' as proposed, adr-tools' 'Superceded by' as superseded), or cannot read.",
    severity=Severity.WARNING,
    example="## Status\n\nPending\n",
    fix="Check that the reading is right; `mltriad adopt PATH` writes it into front matter.",
)
TOOLKIT_JSON = define(
    "MT506",
    "model-card-toolkit",
    "A Model Card Toolkit JSON card: mltriad reads model cards as Markdown with front matter.",
    example='{"schema_version": "0.0.2", "model_details": {"name": "..."}}',
    fix="Run `mltriad adopt PATH`: it writes ID.md beside the JSON, with the card's content.",
)

NOT_ADOPTED = define(
    "MT507",
    "not-adopted",
    "`mltriad adopt` could not convert a file: it cannot be read, it is a symlink, or the "
    "file it would write exists with other content.",
    example="model-cards/fraud.md exists and differs from what adopt writes",
    fix="Fix the file as the message says (or move the existing output away) and run adopt again.",
)

HUB_EXTRA_KEY = define(
    "MT508",
    "hub-extra-key",
    "A Hugging Face model card has a key that the Hub does not document and mltriad does not "
    "read. A warning: the Hub keeps such keys in the card's metadata, and tools read some "
    "of them (a speech model's `sample_rate`, a copied repository's `duplicated_from`).",
    severity=Severity.WARNING,
    example="licence: mit   # did you mean 'license'?",
    fix="Nothing, if a tool reads the key. If the message names a Hub key, the key is likely "
    "a misspelling of it: rename it.",
)
_CARD_FIELDS = (
    "id",
    "version",
    "status",
    "owners",
    "task",
    "intended_use",
    "eval_sets",
    "targets",
    "failure_modes",
)


@checks("decision", "model-card")
def legacy_format(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    reading = formats.reading_of(artifact.kind, artifact.path, artifact.doc, artifact.raw)
    if reading is None:
        return  # in mltriad's format: the readers are not even loaded
    from mltriad.formats.model import DecisionReading, ModelCardReading

    if isinstance(reading, DecisionReading):
        yield from _decision(artifact, reading, ctx)
    elif isinstance(reading, ModelCardReading):
        yield from _card(artifact, reading, ctx)


def _decision(artifact: Artifact, reading: DecisionReading, ctx: Context) -> Iterable[Finding]:
    in_body = reading.format in (MADR2, NYGARD)
    if in_body:
        yield artifact.finding(
            METADATA_IN_BODY.id,
            f"this is a {FORMAT_NAMES[reading.format]} record: mltriad reads a decision's "
            f"metadata from YAML front matter, and this one keeps it in its text"
            f"{_what_was_read(reading)}; run `mltriad adopt {artifact.path}` to copy it into "
            "front matter (the text stays as it is)",
            line=1,
        )
    yield from _notes(artifact, _unknown_statuses(reading, ctx), in_body)
    unreadable = {n.key for n in reading.notes if n.kind == LEGACY_VALUE and not n.replacement}
    for name in ctx.policy.decisions.required_fields:
        if name in unreadable:
            continue
        state = unfilled(artifact.data[name]) if name in artifact.data else None
        if state is None and _decision_has(reading, name, in_body):
            continue
        if state == TEMPLATE_TEXT:
            continue  # MT601 reports the template's text left in place
        yield artifact.finding(
            DECISION_LACKS.id,
            decision_lacks(name, ctx.policy, empty=state == EMPTY),
            [name] if state == EMPTY else None,
            key=True,
            line=None if state == EMPTY else 1,
        )


def _unknown_statuses(reading: DecisionReading, ctx: Context) -> list[formats.Note]:
    """The reader's notes, without its note that a status MADR or triad.yaml defines
    ('On hold', a team's own) is read as a lifecycle state: that is what it means."""
    status = reading.status
    known = status is not None and ctx.policy.decisions.spelling(status.text) is not None
    return [n for n in reading.notes if not (known and n.key == "status" and n.replacement)]


def _what_was_read(reading: DecisionReading) -> str:
    parts = []
    if reading.status:
        parts.append(f"status '{reading.status.value}' on line {reading.status.line}")
    if reading.date:
        parts.append(f"date {reading.date.value} on line {reading.date.line}")
    if reading.decision_makers:
        parts.append(f"decision-makers on line {reading.decision_makers.line}")
    return f" ({', '.join(parts)})" if parts else ""


def _decision_has(reading: DecisionReading, name: str, in_body: bool) -> bool:
    keys = reading.front_matter_keys
    if name == "decision-makers":
        return (
            "decision-makers" in keys or "deciders" in keys or reading.decision_makers is not None
        )
    if in_body and name in ("status", "date", "consulted", "informed"):
        return getattr(reading, name) is not None
    return name in keys


def _card(artifact: Artifact, reading: ModelCardReading, ctx: Context) -> Iterable[Finding]:
    if reading.format == MODEL_CARD_TOOLKIT:
        converted = posixpath.join(posixpath.dirname(artifact.path), f"{reading.id}.md")
        if ctx.repo.snapshot.exists(converted):
            return  # adopted already: the Markdown card beside it is the one that counts
        yield artifact.finding(
            TOOLKIT_JSON.id,
            f"this is a Model Card Toolkit model card (JSON, schema {reading.schema_version}): "
            "mltriad reads model cards as Markdown with front matter; run `mltriad adopt "
            f"{artifact.path}` to write {reading.id}.md from it",
            line=1,
        )
    yield from _notes(artifact, reading.notes, in_body=False)
    for name in _CARD_FIELDS:
        if not _card_has(reading, name):
            yield artifact.finding(CARD_LACKS.id, _card_message(name, reading, ctx), line=1)


def _card_has(reading: ModelCardReading, name: str) -> bool:
    if reading.format == MODEL_CARD_TOOLKIT:
        return {
            "version": reading.version is not None,
            "intended_use": reading.intended_use is not None,
            "task": reading.task_input is not None and reading.task_output is not None,
        }.get(name, False)
    return name in reading.front_matter_keys and not (
        name == "task" and any(n.key == "task" for n in reading.notes)
    )


def _card_message(name: str, reading: ModelCardReading, ctx: Context) -> str:
    roles = ", ".join(ctx.policy.required_roles("model-card") or tuple(ctx.policy.roles))
    measured = sorted({r.metric_type for r in reading.results if r.metric_type})
    datasets = sorted({r.dataset_name or r.dataset_type or "" for r in reading.results} - {""})
    task_hint = (
        f" (the Hub's pipeline tag says {reading.pipeline_tag.value})"
        if reading.pipeline_tag
        else ""
    )
    return {
        "id": f"the card has no id: lowercase words joined by dashes, equal to the file name "
        f"('{reading.id}' would do)",
        "version": "the card has no version: the version of the model it describes",
        "status": "the card has no status: draft, candidate, production or retired",
        "owners": f"the card names no owners: for each role ({roles}), the person accountable "
        "for the model in that role",
        "task": f"the card has no task: what the model receives (input) and what it returns "
        f"(output){task_hint}",
        "intended_use": "the card states no intended use: who uses the model's output, for "
        "which decision",
        "eval_sets": "the card names no evaluation sets: the sets (eval-sets/ID.yaml) the model "
        "is measured on"
        + (f"; its model-index reports results on {', '.join(datasets[:3])}" if datasets else ""),
        "targets": "the card has no targets: the launch bar (a min or max) for each metric that "
        "matters" + (f"; its model-index measures {', '.join(measured[:4])}" if measured else ""),
        "failure_modes": "the card names no failure modes: the errors that matter, in order, "
        "each with its cost",
    }[name]


def _notes(artifact: Artifact, notes: list[formats.Note], in_body: bool) -> Iterable[Finding]:
    for note in notes:
        if note.kind == LEGACY_KEY:
            yield artifact.finding(LEGACY_KEY_RULE.id, note.message, line=note.line)
        elif note.kind == EXTRA_KEY:
            yield artifact.finding(HUB_EXTRA_KEY.id, note.message, line=note.line)
        elif note.kind == LEGACY_VALUE and in_body:
            rule_id = LEGACY_VALUE_RULE.id if note.replacement else DECISION_LACKS.id
            yield artifact.finding(rule_id, note.message, line=note.line)
