"""Conversion of what a reader read into mltriad's format: the rules `mltriad adopt` applies.

What a file says goes into front matter under mltriad's keys; what it does not say is
written as a FILL-IN placeholder (the convention of `mltriad new`, reported by MT601): as
the value itself for free text, or as a comment after a suggested value where the schema
needs a particular kind of value (a role, a date, an email). Keys from older format
versions are renamed; keys whose values mltriad cannot read are kept under an `x-`
prefix. Nothing is deleted, and the text after the front matter is not touched (unless
`add_sections` asks for the missing sections the policy requires, which are then
appended after it).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mltriad.documents import Document, parse_markdown
from mltriad.formats import huggingface, toolkit
from mltriad.formats.frontmatter import Commented, FrontMatterEditor
from mltriad.formats.model import DecisionReading, ModelCardReading
from mltriad.formats.names import CARD_TRIAD_KEYS, LEGACY_KEY, MODEL_CARD_TOOLKIT
from mltriad.formats.records import is_template_title, title_from_name
from mltriad.formats.values import braced, read_date
from mltriad.markdown import missing_sections, with_sections
from mltriad.policy import Policy
from mltriad.schemas import schema, validate
from mltriad.values import placeholder, template_text, unfilled

_SUPERSEDED = re.compile(r"^[Ss]uperseded by .*[0-9]+")
_BOM = "\ufeff"


@dataclass
class Source:
    """A file to convert: where it is, its bytes, and what its reader made of it."""

    path: Path
    rel: str  # its path relative to the repository (or as given)
    raw: bytes
    reading: DecisionReading | ModelCardReading
    doc: Document | None  # None for a JSON card
    extra_supersedes: list[str] = field(default_factory=list)  # from other records' links


@dataclass(frozen=True)
class Settings:
    policy: Policy
    day: str  # YYYY-MM-DD, suggested where a record has no date
    add_sections: bool = False


@dataclass
class Conversion:
    """The converted text, and which fields were read, left as FILL-IN, or converted."""

    text: str
    inferred: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    converted: list[str] = field(default_factory=list)


def convert(source: Source, settings: Settings) -> Conversion:
    """The file in mltriad's format."""
    reading = source.reading
    if isinstance(reading, ModelCardReading) and reading.format == MODEL_CARD_TOOLKIT:
        out = _toolkit_card(source, reading, settings.policy)
        body = out.text  # all of it is new; its front matter has no headings
    else:
        assert source.doc is not None  # a Markdown file
        body = source.doc.body
        if isinstance(reading, DecisionReading):
            out = _decision(source, reading, source.doc, settings.policy, settings.day)
        else:
            out = _hub_card(source, reading, source.doc, settings.policy)
    if settings.add_sections:
        missing = missing_sections(body, settings.policy.sections.get(reading.kind, ()))
        if missing:
            out.text = with_sections(out.text, missing)
            out.placeholders += [f"section {m[0]}" for m in missing]
    return out


def _editor(doc: Document) -> FrontMatterEditor:
    return FrontMatterEditor(doc.text, doc)


def _encode(source: Source, text: str) -> str:
    """The edited text, with the byte-order mark back in front if the file had one."""
    return _BOM + text if source.raw.startswith(b"\xef\xbb\xbf") else text


# Decision records.


def _decision(
    source: Source, reading: DecisionReading, doc: Document, policy: Policy, day: str
) -> Conversion:
    editor = _editor(doc)
    data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
    out = Conversion("")
    new: dict[str, Any] = {}
    keys = set(data)
    if "deciders" in keys:
        _rename(editor, out, "deciders", "decision-makers", keys)
        keys.add("decision-makers")
    if "title" not in keys and reading.title is not None:
        if is_template_title(reading.title):
            # A numbered record whose heading is still the template's: a real record.
            new["title"] = Commented(
                title_from_name(source.rel),
                placeholder(f"the record's title; its heading is still '{reading.title.text}'"),
            )
            out.placeholders.append("title")
        else:
            new["title"] = reading.title.value
            out.inferred.append("title")
    required = policy.decisions.required_fields
    _decision_status(editor, out, new, reading, data, policy)
    _decision_date(editor, out, new, reading, data, day, "date" in required)
    _unbrace_people(editor, out, data)
    if "decision-makers" not in keys:
        if reading.decision_makers:
            new["decision-makers"] = reading.decision_makers.value
            out.inferred.append("decision-makers")
        elif "decision-makers" in required:
            new["decision-makers"] = [placeholder("the name of each person who made the decision")]
            out.placeholders.append("decision-makers")
    for name in ("consulted", "informed", "tags"):
        found = getattr(reading, name)
        if name not in keys and found is not None:
            new[name] = found.value
            out.inferred.append(name)
    roles = list(policy.roles)
    if "driver" not in keys:
        new["driver"] = Commented(
            roles[0] if roles else "ml-engineer",
            placeholder(f"the role that drove this decision ({', '.join(roles)})"),
        )
        out.placeholders.append("driver")
    if "approvers" not in keys:
        approvers = list(policy.required_roles("decision")) or roles[:2]
        new["approvers"] = Commented(approvers, placeholder("the roles that must sign this record"))
        out.placeholders.append("approvers")
    _decision_supersedes(editor, out, new, reading, source, data)
    editor.append(new)
    out.text = _encode(source, editor.result())
    return out


def _unbrace_people(editor: FrontMatterEditor, out: Conversion, data: dict[str, Any]) -> None:
    """`deciders: { Ann, Bob }`, left in a template's braces, written as the list inside."""
    for old in ("deciders", "decision-makers", "consulted", "informed"):
        written = data.get(old)
        inside = braced(written)
        if not isinstance(written, dict) or inside is None or inside is written:
            continue
        names = [str(n) for n in (inside if isinstance(inside, list) else [inside])]
        editor.replace_value(old, names, f"was: {template_text(written)}")  # the key as read
        shown = "decision-makers" if old == "deciders" and "decision-makers" not in data else old
        out.converted.append(f"{shown} {template_text(written)} written as a list")


def _rename(editor: FrontMatterEditor, out: Conversion, old: str, new: str, keys: set[str]) -> None:
    """Rename a legacy key to the one mltriad reads, or keep it as x-OLD if that exists."""
    if new in keys:
        editor.rename(old, f"x-{old}")
        out.converted.append(f"{old} kept as x-{old} (the file has {new} too)")
    else:
        editor.rename(old, new)
        out.converted.append(f"{old} renamed {new}")


def _decision_status(
    editor: FrontMatterEditor,
    out: Conversion,
    new: dict[str, Any],
    reading: DecisionReading,
    data: dict[str, Any],
    policy: Policy,
) -> None:
    written = data.get("status")
    statuses = policy.decisions
    if "status" in data:
        inside = braced(written)  # `status: { accepted }`: the value in a template's braces
        spelled = statuses.spelling(inside) if isinstance(inside, str) else None
        if isinstance(written, str) and (written == spelled or _SUPERSEDED.match(written)):
            return  # MADR's status, or the team's own, as its definition writes it
        if isinstance(written, dict):
            written = template_text(written)
        if spelled is not None:
            editor.replace_value("status", spelled, f"was: {written}")
            out.converted.append(f"status '{written}' written as '{spelled}'")
        elif reading.status is not None:
            editor.replace_value("status", reading.status.value, f"was: {written}")
            out.converted.append(f"status '{written}' written as '{reading.status.value}'")
        else:
            why = "" if unfilled(written) else f"; '{written}' is none of them"
            editor.replace_value(
                "status",
                "proposed",
                placeholder(f"the status: {', '.join(statuses.allowed())}{why}"),
            )
            out.placeholders.append("status")
        return
    if reading.status is not None:
        # 'On hold' in a record's text stays on hold: MADR's status, not its lifecycle state
        new["status"] = statuses.spelling(reading.status.text) or reading.status.value
        out.inferred.append("status")
    elif "status" in statuses.required_fields:
        new["status"] = Commented(
            "accepted",
            placeholder(f"the status: {', '.join(statuses.allowed())}"),
        )
        out.placeholders.append("status")


def _decision_date(
    editor: FrontMatterEditor,
    out: Conversion,
    new: dict[str, Any],
    reading: DecisionReading,
    data: dict[str, Any],
    day: str,
    required: bool,
) -> None:
    if "date" in data:
        written = data["date"]
        iso = read_date(braced(written))  # `date: { 2024-05-02 }` is that date, not today
        if isinstance(written, str) and iso == written:
            return
        if isinstance(written, dict):
            written = template_text(written)
        if iso is not None:
            editor.replace_value("date", iso, f"was: {written}")
            out.converted.append(f"date '{written}' written as {iso}")
        else:
            why = "the date the decision was last updated"
            why += "" if unfilled(written) else f"; '{written}' is not one"
            editor.replace_value("date", day, placeholder(why))
            out.placeholders.append("date")
        return
    if reading.date is not None:
        new["date"] = reading.date.value
        out.inferred.append("date")
    elif required:
        new["date"] = Commented(day, placeholder("the date the decision was last updated"))
        out.placeholders.append("date")


def _decision_supersedes(
    editor: FrontMatterEditor,
    out: Conversion,
    new: dict[str, Any],
    reading: DecisionReading,
    source: Source,
    data: dict[str, Any],
) -> None:
    wanted = [f.value for f in reading.supersedes]
    wanted += [s for s in source.extra_supersedes if s not in wanted]
    listed = data.get("supersedes")
    if "supersedes" in data and isinstance(listed, list):
        missing = [w for w in wanted if not any(str(x) == w for x in listed)]
        if missing:
            editor.extend_list("supersedes", missing)
            out.inferred.append("supersedes")
    elif wanted and "supersedes" not in data:
        new["supersedes"] = wanted
        out.inferred.append("supersedes")


# Hugging Face cards.


def _hub_card(
    source: Source, reading: ModelCardReading, doc: Document, policy: Policy
) -> Conversion:
    editor = _editor(doc)
    data: dict[str, Any] = dict(doc.data) if isinstance(doc.data, dict) else {}
    out = Conversion("")
    keys = set(data)
    simulated = copy.deepcopy(data)  # the parsed data stays as read
    for note in reading.notes:
        if note.kind == LEGACY_KEY and note.key and note.replacement:
            _hub_legacy_key(editor, out, note.key, note.replacement, keys, simulated)
    if isinstance(data.get("tags"), str):
        tags = [data["tags"]]
        editor.replace_value("tags", tags)
        simulated["tags"] = tags
        out.converted.append("tags written as a list")
    _hub_model_index(editor, out, simulated, set(data))
    _hub_invalid_keys(editor, out, simulated)
    new = _card_fields(reading, policy, out, pipeline_tag=_text_of(simulated.get("pipeline_tag")))
    editor.append({k: v for k, v in new.items() if k not in simulated})  # a key stays as written
    out.text = _encode(source, editor.result())
    return out


def _text_of(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _hub_legacy_key(
    editor: FrontMatterEditor,
    out: Conversion,
    old: str,
    new: str,
    keys: set[str],
    simulated: dict[str, Any],
) -> None:
    value = simulated.pop(old)
    if old == "licenses" and new not in keys and not isinstance(value, str):
        single = isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
        if single and not editor.has_comment(old):
            editor.replace_entry(old, {new: value[0]})
            out.converted.append("licenses written as license")
        else:
            editor.rename(old, f"x-{old}")
            simulated[f"x-{old}"] = value
            if single:
                editor.append({new: value[0]})
                out.converted.append(
                    "licenses kept as x-licenses (it has a comment); license added"
                )
            else:
                out.converted.append("licenses kept as x-licenses: pick one of them as license")
                return
        simulated[new] = value[0]
        keys.add(new)
        return
    _rename(editor, out, old, new, keys)
    simulated[f"x-{old}" if new in keys else new] = value
    keys.add(new)


def _hub_model_index(
    editor: FrontMatterEditor, out: Conversion, simulated: dict[str, Any], written: set[str]
) -> None:
    """The Hub requires a dataset for every result: a result without one gets a FILL-IN.

    `written` are the keys as the file has them (`model_index` until the rename is applied).
    """
    index = simulated.get("model-index")
    key = "model-index" if "model-index" in written else "model_index"
    if not isinstance(index, list):
        return
    for i, entry in enumerate(index):
        results = entry.get("results") if isinstance(entry, dict) else None
        for j, result in enumerate(results if isinstance(results, list) else []):
            if isinstance(result, dict) and "dataset" not in result and result:
                dataset = {
                    "type": placeholder("the Hub id of the dataset this result was measured on"),
                    "name": placeholder("the dataset's name"),
                }
                try:
                    editor.insert_into([key, i, "results", j], {"dataset": dataset})
                except (KeyError, ValueError):
                    continue  # a flow-style result: the schema reports it, adopt leaves it
                result["dataset"] = dataset
                if "model-index dataset" not in out.placeholders:
                    out.placeholders.append("model-index dataset")


def _hub_invalid_keys(
    editor: FrontMatterEditor, out: Conversion, simulated: dict[str, Any]
) -> None:
    """Hub keys whose value the schema rejects are kept under an x- prefix, not deleted."""
    own = set(schema("model-card")["required"]) | CARD_TRIAD_KEYS | {"task"}
    bad: set[str] = set()
    for problem in validate("model-card", huggingface.hub_metadata(simulated), None):
        top = _top_key(problem.message, simulated)
        if top is not None and top not in own:
            bad.add(top)
    for key in sorted(bad):
        if key in simulated and not key.startswith("x-"):
            try:
                editor.rename(key, f"x-{key}")
            except (KeyError, ValueError):
                continue
            out.converted.append(f"{key} kept as x-{key} (mltriad cannot read its value)")


def _top_key(message: str, data: dict[str, Any]) -> str | None:
    """The top-level key a schema message is about ('thumbnail must be...', "unknown field 'x'")."""
    unknown = re.match(r"^unknown field '([^']+)'(?:;|$)", message)
    if unknown:
        return unknown.group(1)
    first = re.split(r"[ .\[:]", message, maxsplit=1)[0]
    return first if first in data else None


def _card_fields(
    reading: ModelCardReading, policy: Policy, out: Conversion, *, pipeline_tag: str | None
) -> dict[str, Any]:
    """mltriad's model-card fields: read from the card where it says them, else FILL-IN."""
    new: dict[str, Any] = {"id": reading.id}
    out.inferred.append("id")
    if reading.name is not None:
        new["title"] = reading.name.value
        out.inferred.append("title")
    if reading.version is not None:
        new["version"] = reading.version.value
        out.inferred.append("version")
    else:
        new["version"] = placeholder("the version of the model this card describes")
        out.placeholders.append("version")
    new["status"] = Commented("draft", placeholder("draft, candidate, production or retired"))
    out.placeholders.append("status")
    new["owners"] = _owners(policy)
    out.placeholders.append("owners")
    new["task"] = _task(reading, out, pipeline_tag)
    if reading.intended_use is not None:
        uses = reading.intended_use.value
        new["intended_use"] = uses[0] if len(uses) == 1 else uses
        out.inferred.append("intended_use")
    else:
        new["intended_use"] = placeholder("who uses the model's output, for which decision")
        out.placeholders.append("intended_use")
    if reading.out_of_scope is not None:
        new["out_of_scope"] = reading.out_of_scope.value
        out.inferred.append("out_of_scope")
    if reading.training_data is not None:
        new["training_data"] = {
            "description": reading.training_data.value,
            **({"sources": reading.training_sources} if reading.training_sources else {}),
        }
        out.inferred.append("training_data")
    new["eval_sets"] = Commented(
        [], placeholder("the ids of the evaluation sets the model is measured on")
    )
    new["targets"] = [_target_placeholder(reading)]
    new["failure_modes"] = [
        {
            "name": placeholder("the error that matters most"),
            "error_type": Commented(
                "other",
                placeholder(
                    "false-positive, false-negative, wrong-output, latency, outage, bias or other"
                ),
            ),
            "cost": Commented("high", placeholder("low, medium, high or critical")),
            "priority": 1,
        }
    ]
    out.placeholders += ["eval_sets", "targets", "failure_modes"]
    return new


def _owners(policy: Policy) -> dict[str, Any]:
    owners: dict[str, Any] = {}
    roles = (
        policy.accountable_roles("model-card")
        or policy.required_roles("model-card")
        or ("ml-engineer",)
    )
    for role_id in roles:
        role = policy.roles.get(role_id)
        email = role.members[0].email if role and role.members else f"{role_id}@example.org"
        owners[role_id] = Commented(
            email, placeholder(f"the email of the {role_id} accountable for this model")
        )
    return owners


def _task(reading: ModelCardReading, out: Conversion, pipeline_tag: str | None) -> dict[str, Any]:
    task: dict[str, Any] = {}
    measured = next((r.task_type for r in reading.results if r.task_type), None)
    kind = pipeline_tag or (reading.pipeline_tag.value if reading.pipeline_tag else measured)
    if kind:
        task["type"] = kind
        out.inferred.append("task.type")
    for name, found, hint in (
        ("input", reading.task_input, "what the model receives"),
        (
            "output",
            reading.task_output,
            "what the model returns, and what the product does with it",
        ),
    ):
        if found is not None:
            task[name] = found.value
            out.inferred.append(f"task.{name}")
        else:
            task[name] = placeholder(hint)
            out.placeholders.append(f"task.{name}")
    return task


def _target_placeholder(reading: ModelCardReading) -> dict[str, Any]:
    measured = next((r.metric_type for r in reading.results if r.metric_type), None)
    metric: Any = (
        Commented(measured, placeholder("the metric of the launch bar"))
        if measured
        else placeholder("the metric, such as recall")
    )
    return {
        "metric": metric,
        "min": Commented(
            0, placeholder("the launch bar (or max, for a metric that must stay low)")
        ),
    }


# Model Card Toolkit JSON.


def _toolkit_card(source: Source, reading: ModelCardReading, policy: Policy) -> Conversion:
    out = Conversion("")
    new = _card_fields(reading, policy, out, pipeline_tag=None)
    license_id = _hub_license(reading.license.value if reading.license else None)
    if license_id:
        new["license"] = license_id
        out.inferred.append("license")
    missing = {
        "Intended use": placeholder("who uses the model's output, for which decision"),
        "Limitations": placeholder(
            "where the model is known to fail, and what it was not tested on"
        ),
    }
    body = toolkit.to_markdown(reading, source.path.name, missing)
    editor = FrontMatterEditor(body, parse_markdown(source.rel, body.encode("utf-8")))
    editor.append(new)
    out.text = editor.result()
    return out


def _hub_license(value: str | None) -> str | None:
    """'Apache 2.0' -> 'apache-2.0' when that is a license id the Hub knows."""
    if not value:
        return None
    known = schema("model-card")["$defs"]["hubLicense"]["enum"]
    candidate = re.sub(r"[\s_]+", "-", value.strip().lower())
    return candidate if candidate in known else None
