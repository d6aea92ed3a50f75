"""Model Card Toolkit model cards: JSON, schema versions 0.0.1 and 0.0.2.

0.0.1 writes plain strings where 0.0.2 writes objects (`license` against
`licenses: [{identifier}]`, `references: [str]` against `[{reference}]`, considerations as
strings against `{description}`, training and evaluation data as `{train, eval}` against
a list). Both are read alike, and files in between (as real ones are) too. A JSON file
without `model_details` (an evaluation config lying next to the cards) is not a card.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from mltriad.documents import decode
from mltriad.findings import ParseError as DocumentError
from mltriad.formats.huggingface import card_id
from mltriad.formats.model import Found, ModelCardReading, Reading, Skipped
from mltriad.formats.names import MODEL_CARD_TOOLKIT, UNREADABLE, UNRECOGNISED

_TEXT_KEYS = ("description", "reference", "citation", "identifier", "custom_text", "name")


def read(path: str, raw: bytes) -> Reading:
    try:
        text, _ = decode(path, raw)
        data = json.loads(text)
    except DocumentError as exc:
        return Skipped(path, UNREADABLE, exc.message, exc.line)
    except json.JSONDecodeError as exc:
        return Skipped(path, UNREADABLE, f"invalid JSON: {exc.msg}", exc.lineno)
    except ValueError as exc:  # an integer past Python's 4,300-digit limit
        return Skipped(path, UNREADABLE, f"invalid JSON: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("model_details"), dict):
        return Skipped(
            path,
            UNRECOGNISED,
            "not a Model Card Toolkit model card: it has no `model_details`",
        )
    return _reading(path, text, data)


def _reading(path: str, text: str, data: dict[str, Any]) -> ModelCardReading:
    details: dict[str, Any] = data["model_details"]
    reading = ModelCardReading(path, MODEL_CARD_TOOLKIT, source=data)
    reading.schema_version = str(data.get("schema_version") or _guess_version(data))
    name = details.get("name")
    if isinstance(name, str) and name.strip():
        reading.name = Found(name.strip(), _line(text, "name"))
    reading.id = card_id(path, name if isinstance(name, str) else None)
    version = details.get("version")
    if isinstance(version, dict) and str(version.get("name") or "").strip():
        reading.version = Found(str(version["name"]).strip(), _line(text, "version"))
    for owner in details.get("owners") or []:
        if isinstance(owner, dict):
            reading.people.append((str(owner.get("name") or ""), str(owner.get("contact") or "")))
    licenses = texts(details.get("licenses")) or texts(details.get("license"))
    if licenses:
        key = "licenses" if "licenses" in details else "license"
        reading.license = Found(licenses[0], _line(text, key))
    _parameters(reading, text, data.get("model_parameters"))
    considerations = data.get("considerations")
    if isinstance(considerations, dict):
        uses = texts(considerations.get("use_cases"))
        if uses:
            reading.intended_use = Found(uses, _line(text, "use_cases"))
        out_of_scope = texts(considerations.get("out_of_scope_uses"))
        if out_of_scope:
            reading.out_of_scope = Found(out_of_scope, _line(text, "out_of_scope_uses"))
    return reading


def _guess_version(data: dict[str, Any]) -> str:
    details = data["model_details"]
    if "license" in details or isinstance((data.get("model_parameters") or {}).get("data"), dict):
        return "0.0.1"
    return "0.0.2"


def _parameters(reading: ModelCardReading, text: str, params: Any) -> None:
    if not isinstance(params, dict):
        return
    for key, attribute in (("input_format", "task_input"), ("output_format", "task_output")):
        value = params.get(key)
        mapped = params.get(f"{key}_map")
        if isinstance(value, str) and value.strip():
            setattr(reading, attribute, Found(value.strip(), _line(text, key)))
        elif isinstance(mapped, list) and mapped:
            pairs = [f"{m.get('key')}: {m.get('value')}" for m in mapped if isinstance(m, dict)]
            setattr(reading, attribute, Found("; ".join(pairs), _line(text, f"{key}_map")))
    training = training_entries(params.get("data"))
    if training:
        reading.training_sources = [_source(d) for d in training]
        descriptions = [str(d["description"]) for d in training if d.get("description")]
        reading.training_data = Found(
            " ".join(descriptions) or "; ".join(reading.training_sources), _line(text, "data")
        )


def data_entries(data: Any) -> list[dict[str, Any]]:
    """The data sets of `model_parameters.data`: 0.0.2's list, or 0.0.1's {train, eval}."""
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict)]
    if isinstance(data, dict):
        entries = []
        for split, entry in data.items():
            if isinstance(entry, dict):
                entries.append({"name": entry.get("name") or split, **entry})
        return entries
    return []


def training_entries(data: Any) -> list[dict[str, Any]]:
    """The training data: 0.0.1's `train`, or 0.0.2's entries named like training data."""
    if isinstance(data, dict):
        train = data.get("train")
        return [{"name": train.get("name") or "train", **train}] if isinstance(train, dict) else []
    return [
        d
        for d in data_entries(data)
        if re.search(r"train", str(d.get("name") or ""), re.IGNORECASE)
    ]


def _source(entry: dict[str, Any]) -> str:
    name = str(entry.get("name") or "data")
    return f"{name} ({entry['link']})" if entry.get("link") else name


def texts(value: Any) -> list[str]:
    """Strings from a string, an object with a text field, or a list of either."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        for key in _TEXT_KEYS:
            if isinstance(value.get(key), str) and value[key].strip():
                return [value[key].strip()]
        return []
    if isinstance(value, list):
        return [t for item in value for t in texts(item)]
    return []


def _line(text: str, key: str) -> int:
    index = text.find(f'"{key}"')
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def to_markdown(reading: ModelCardReading, source_name: str, missing: dict[str, str]) -> str:
    """The card's content as Markdown: every field of the JSON except its images.

    `missing` gives the FILL-IN text for the sections a triad card needs (intended use,
    limitations) when the source has nothing for them.
    """
    data = copy.deepcopy(reading.source)
    out: list[str] = []
    details = data.pop("model_details", {})
    title = details.pop("name", None) or reading.id
    out += [f"# {title}", ""]
    overview = details.pop("overview", None)
    if overview:
        out += [str(overview), ""]
    out += [
        f"Converted from `{source_name}` (Model Card Toolkit, schema "
        f"{reading.schema_version}); its graphics stay in that file.",
        "",
    ]
    data.pop("schema_version", None)
    out += _section("Model details", _details(details))
    out += _section("Model parameters", _model_parameters(data.pop("model_parameters", {})))
    out += _section("Quantitative analysis", _analysis(data.pop("quantitative_analysis", {})))
    considerations = data.pop("considerations", {})
    if not isinstance(considerations, dict):
        considerations = {"considerations": considerations}
    uses = _bullets(considerations.pop("use_cases", None))
    users = _bullets(considerations.pop("users", None))
    out += _section("Intended use", uses + (["", "Users:", "", *users] if users else []), missing)
    out += _section("Limitations", _bullets(considerations.pop("limitations", None)), missing)
    out += _section("Trade-offs", _bullets(considerations.pop("tradeoffs", None)))
    out += _section(
        "Ethical considerations", _ethics(considerations.pop("ethical_considerations", None))
    )
    out += _section("Out-of-scope uses", _bullets(considerations.pop("out_of_scope_uses", None)))
    leftover = {**data, **({"considerations": considerations} if considerations else {})}
    out += _section("Other fields", _generic(leftover))
    return "\n".join(out).rstrip("\n") + "\n"


def _section(name: str, lines: list[str], missing: dict[str, str] | None = None) -> list[str]:
    if not lines:
        if missing and name in missing:
            return [f"## {name}", "", missing[name], ""]
        return []
    return [f"## {name}", "", *lines, ""]


def _details(details: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    version = details.pop("version", None)
    if isinstance(version, dict):
        parts = [str(version.pop(k)) for k in ("name", "date") if version.get(k)]
        diff = version.pop("diff", None)
        text = " ".join(parts[:1]) + (f" ({parts[1]})" if len(parts) > 1 else "")
        lines.append(f"- Version: {text}" + (f"; {diff}" if diff else ""))
        lines += _generic(version, "  ")
    owners = details.pop("owners", None)
    for owner in owners if isinstance(owners, list) else []:
        if isinstance(owner, dict):
            name, contact = owner.pop("name", ""), owner.pop("contact", "")
            lines.append(f"- Owner: {name}" + (f" <{contact}>" if contact else ""))
            lines += _generic(owner, "  ")
    for key, label in (
        ("license", "License"),
        ("licenses", "License"),
        ("documentation", "Documentation"),
        ("path", "Path"),
        ("references", "Reference"),
        ("citation", "Citation"),
        ("citations", "Citation"),
    ):
        value = details.pop(key, None)
        lines += [f"- {label}: {text}" for text in _all_texts(value)]
    return lines + _generic(details)


def _model_parameters(params: Any) -> list[str]:
    if not isinstance(params, dict):
        return _generic({"model_parameters": params})
    lines: list[str] = []
    for key, label in (
        ("model_architecture", "Architecture"),
        ("input_format", "Input format"),
        ("output_format", "Output format"),
    ):
        if params.get(key):
            lines.append(f"- {label}: {params.pop(key)}")
    for key, label in (
        ("input_format_map", "Input format"),
        ("output_format_map", "Output format"),
    ):
        for entry in params.pop(key, None) or []:
            if isinstance(entry, dict):
                lines.append(f"- {label}: {entry.pop('key', '')}: {entry.pop('value', '')}")
                lines += _generic(entry, "  ")
    entries = data_entries(params.pop("data", None))
    if entries:
        lines += [*([""] if lines else []), "Data:", ""]
        for entry in entries:
            lines.append(f"- {entry.pop('name', 'data')}")
            lines += _graphics(entry.pop("graphics", None), "  ")
            lines += _generic(entry, "  ")
    return lines + _generic(params)


def _analysis(analysis: Any) -> list[str]:
    if not isinstance(analysis, dict):
        return _generic({"quantitative_analysis": analysis})
    lines: list[str] = []
    metrics = analysis.pop("performance_metrics", None)
    if isinstance(metrics, list) and metrics:
        lines += [
            "| Metric | Slice | Value | Threshold | Confidence interval |",
            "|---|---|---|---|---|",
        ]
        for metric in metrics:
            if not isinstance(metric, dict):
                continue
            interval = metric.pop("confidence_interval", None)
            bounds = ""
            if isinstance(interval, dict):
                bounds = f"{interval.pop('lower_bound', '')} to {interval.pop('upper_bound', '')}"
            cells = [metric.pop(k, "") for k in ("type", "slice", "value", "threshold")]
            lines.append("| " + " | ".join(_cell(c) for c in [*cells, bounds]) + " |")
            rest = _generic({**metric, **(interval if isinstance(interval, dict) else {})})
            lines += [f"  {line}" for line in rest]
        lines.append("")
    lines += _graphics(analysis.pop("graphics", None))
    lines += _generic(analysis)
    return lines


def _graphics(value: Any, indent: str = "") -> list[str]:
    """Graphics by name and description; the images themselves stay in the source file."""
    if not isinstance(value, dict):
        return _generic({"graphics": value}, indent) if value else []
    lines = []
    if value.get("description"):
        lines.append(f"{indent}- Graphics: {_inline(value.pop('description'))}")
    collection = value.pop("collection", None)
    for item in collection if isinstance(collection, list) else []:
        if isinstance(item, dict):
            name = item.pop("name", "graphic")
            text = f": {_inline(item.pop('description'))}" if item.get("description") else ""
            lines.append(f"{indent}- Graphic '{_inline(name)}'{text} (image in the source file)")
            item.pop("image", None)
            lines += _generic(item, indent + "  ")
    return lines + _generic(value, indent)


def _ethics(value: Any) -> list[str]:
    lines: list[str] = []
    for item in value if isinstance(value, list) else [value] if value else []:
        if isinstance(item, dict):
            name = item.pop("name", "")
            mitigation = item.pop("mitigation_strategy", None)
            lines.append(f"- {_inline(name)}")
            if mitigation:
                lines.append(f"  - Mitigation: {_inline(mitigation)}")
            lines += _generic(item, "  ")
        else:
            lines.append(f"- {item}")
    return lines


def _bullets(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    lines: list[str] = []
    for item in items:
        found = texts(item)
        if found:
            lines += [f"- {t}" for t in found]
            if isinstance(item, dict):
                rest = {k: v for k, v in item.items() if not (isinstance(v, str) and v in found)}
                lines += _generic(rest, "  ")
        elif item not in (None, "", {}, []):
            lines += _generic({"item": item})
    return lines


def _all_texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for item in value for t in _all_texts(item)]
    if isinstance(value, dict):
        return [str(v) for v in value.values() if isinstance(v, (str, int, float)) and str(v)]
    return [str(value)] if value not in (None, "") else []


def _generic(value: Any, indent: str = "") -> list[str]:
    """Any JSON value as nested bullets; images are not copied (they stay in the source)."""
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "image" and isinstance(item, str):
                lines.append(f"{indent}- image: (in the source file)")
            elif isinstance(item, (dict, list)):
                nested = _generic(item, indent + "  ")
                if nested:
                    lines += [f"{indent}- {key}:", *nested]
            elif item not in (None, ""):
                lines.append(f"{indent}- {key}: {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                nested = _generic(item, indent + "  ")
                if nested:
                    lines += [f"{indent}-", *nested]
            elif item not in (None, ""):
                lines.append(f"{indent}- {_inline(item)}")
    elif value not in (None, ""):
        lines.append(f"{indent}- {_inline(value)}")
    return lines


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).splitlines())


def _cell(value: Any) -> str:
    return _inline(value).replace("|", "\\|") if value not in (None, "") else ""
