"""Metric values from the tools where teams already measure, for `mltriad results import`.

Each reader returns `Measurement`s (a source name, an optional slice, a value, the line it
was read from). The formats, told apart by their content:

- a plain JSON list of `{metric, slice, value}` objects (or `{"results": [...]}`), or a CSV
  with the columns `metric`, `value` and optionally `slice`;
- Hugging Face `evaluate` JSON (`evaluate.save` or a `compute` result): a flat object of
  metric names and numbers; keys starting with `_` (its metadata) are not metrics;
- lm-evaluation-harness results JSON: `results: {TASK: {"METRIC,FILTER": value}}`, read as
  `TASK/METRIC` (`TASK/METRIC,FILTER` for a filter other than `none`); standard errors and
  aliases are not metrics;
- an MLflow run in a local file store (the folder `mlruns/EXPERIMENT/RUN`): each file under
  `metrics/` holds `timestamp value step` lines; the value of the latest step (then the
  latest timestamp) is the run's value, as MLflow reports it.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mltriad.documents import Document, parse_yaml
from mltriad.errors import MltriadError
from mltriad.findings import ParseError

PLAIN = "plain"
EVALUATE = "huggingface-evaluate"
LM_EVAL = "lm-evaluation-harness"
MLFLOW = "mlflow"


@dataclass(frozen=True)
class Measurement:
    name: str
    value: float
    line: int
    slice: str | None = None


@dataclass(frozen=True)
class Measurements:
    format: str
    path: str
    items: tuple[Measurement, ...]


def read_measurements(path: Path, label: str) -> Measurements:
    """The metric values in the file or MLflow run folder at `path` (`label` names it)."""
    if path.is_dir():
        return _mlflow(path, label)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MltriadError(f"cannot be read ({exc.strerror or exc})", path=label) from None
    text = raw.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith(("{", "[")):
        return _json(raw, label)
    return _csv(text, label)


def _number(value: Any, label: str, line: int, name: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    raise MltriadError(
        f"the metric '{name}' has the value {value!r}, which is not a finite number",
        path=label,
        line=line,
        hint="Import only numeric metric values.",
    )


def _json(raw: bytes, label: str) -> Measurements:
    if raw.lstrip().startswith(b"["):
        raw = b'{"results": ' + raw + b"}"  # a top-level list, wrapped: its lines stay
    try:
        doc = parse_yaml(label, raw)  # JSON is YAML, and this parser keeps lines
    except ParseError as exc:
        raise MltriadError(
            f"is not valid JSON ({exc.message})", path=label, line=exc.line
        ) from None
    data = doc.data
    if isinstance(data, dict) and isinstance(data.get("results"), dict):
        return _lm_eval(doc, label)
    if isinstance(data, list) or (isinstance(data, dict) and isinstance(data.get("results"), list)):
        entries = data if isinstance(data, list) else data["results"]
        where: list[str | int] = [] if isinstance(data, list) else ["results"]
        items = []
        for i, entry in enumerate(entries):
            line = doc.locate([*where, i])[0]
            if not isinstance(entry, dict) or not isinstance(entry.get("metric"), str):
                raise MltriadError(
                    "an entry has no `metric` name",
                    path=label,
                    line=line,
                    hint='Write each entry as {"metric": ..., "value": ..., "slice": ...}.',
                )
            items.append(
                Measurement(
                    entry["metric"],
                    _number(entry.get("value"), label, line, entry["metric"]),
                    line,
                    entry.get("slice") if isinstance(entry.get("slice"), str) else None,
                )
            )
        return Measurements(PLAIN, label, tuple(items))
    if isinstance(data, dict):
        items = [
            Measurement(str(k), _number(v, label, doc.locate([k])[0], str(k)), doc.locate([k])[0])
            for k, v in data.items()
            if not str(k).startswith("_")
        ]
        return Measurements(EVALUATE, label, tuple(items))
    raise MltriadError("holds no metrics", path=label)


def _lm_eval(doc: Document, label: str) -> Measurements:
    items = []
    for task, metrics in doc.data["results"].items():
        if not isinstance(metrics, dict):
            continue
        for key, value in metrics.items():
            name, _, filter_name = str(key).partition(",")
            if name == "alias" or name.endswith("_stderr"):
                continue
            line = doc.locate(["results", task, key])[0]
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue  # lm-eval writes "N/A" where a metric does not apply
            full = f"{task}/{name}" + (f",{filter_name}" if filter_name not in ("", "none") else "")
            items.append(Measurement(full, _number(value, label, line, full), line))
    return Measurements(LM_EVAL, label, tuple(items))


def _csv(text: str, label: str) -> Measurements:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    if "metric" not in fields or "value" not in fields:
        raise MltriadError(
            f"is neither JSON nor a CSV with the columns metric and value (its columns: "
            f"{', '.join(fields) or 'none'})",
            path=label,
            line=1,
            hint="Write a header line `metric,slice,value` (slice is optional).",
        )
    reader.fieldnames = fields
    items = []
    for row in reader:
        line = reader.line_num
        name = (row.get("metric") or "").strip()
        if not name:
            continue
        try:
            value = float((row.get("value") or "").strip())
        except ValueError:
            value = math.nan
        items.append(
            Measurement(
                name,
                _number(value, label, line, name),
                line,
                (row.get("slice") or "").strip() or None,
            )
        )
    return Measurements(PLAIN, label, tuple(items))


def _mlflow(folder: Path, label: str) -> Measurements:
    metrics = folder / "metrics"
    if not metrics.is_dir():
        raise MltriadError(
            "is a folder, but not an MLflow run (it has no metrics/ folder)",
            path=label,
            hint="Pass the run's folder of a local file store: mlruns/EXPERIMENT_ID/RUN_ID.",
        )
    items = []
    for file in sorted(p for p in metrics.rglob("*") if p.is_file()):
        name = file.relative_to(metrics).as_posix()
        best: tuple[int, int, int] | None = None
        value = math.nan
        shown = f"{label}/metrics/{name}"
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            try:
                timestamp, read, step = (
                    int(parts[0]),
                    float(parts[1]),
                    int(parts[2]) if len(parts) > 2 else 0,
                )
            except (ValueError, IndexError):
                raise MltriadError(
                    "is not an MLflow metric line (`timestamp value step`)",
                    path=shown,
                    line=number,
                ) from None
            key = (step, timestamp, number)
            if best is None or key > best:
                best, value = key, read
        if best is not None:
            items.append(Measurement(name, _number(value, shown, best[2], name), best[2]))
    return Measurements(MLFLOW, label, tuple(items))
