"""Recomputing results: a predictions file joined to an evaluation set's labelled cases.

An evaluation set's slices say how their data files are read (`columns: {id, label,
positive}` in the manifest; CSV, TSV or JSON Lines). The predictions file (CSV, TSV or
JSON Lines with an id, a predicted label and optionally a score) is streamed line by line:
what stays in memory is the index of the set's cases (an id to a number, a byte for its
label and one for its slice), the counts of each slice's confusion matrix, and, where
scores are given, 8 bytes per score for the ranking metrics. Nothing of a line is kept
once it is counted, whatever else the file holds.

`score(...)` returns a `Scored`: per slice and for the whole set, the confusion and the
scores from which `mltriad.metrics` computes every metric. Every problem is a
`ScoringError` that names the file and the line: an id that is not in the set, cases with
no prediction, a label never seen, a file that is a Git LFS pointer not fetched.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from mltriad.errors import MltriadError
from mltriad.evalsets import LFS_POINTER_MAX_BYTES, EvalSet, Slice, read_lfs_pointer
from mltriad.findings import ParseError
from mltriad.metrics import Confusion, Scores, Undefined, compute
from mltriad.snapshot import Snapshot, normalize
from mltriad.values import collector_paused

FIRST_IDS = 5  # how many ids a message lists
MAX_LABELS = 255
SNAPSHOT_LIMIT = 1024 * 1024 * 1024  # a data file read from a commit, at most

Opener = Callable[[], IO[bytes]]


class ScoringError(MltriadError):
    """The predictions or the set's data cannot be joined: the message says where and why."""


@dataclass(frozen=True)
class PredictionColumns:
    """The columns (CSV) or keys (JSON Lines) of a predictions file."""

    id: str = "id"
    prediction: str = "prediction"
    score: str = "score"


@dataclass
class SliceScore:
    """One slice's counts (`name` None: the whole set)."""

    name: str | None
    confusion: Confusion
    scores: Scores | None
    cases: int = 0


@dataclass
class Scored:
    """What a predictions file gives on an evaluation set."""

    eval_set: EvalSet
    labels: list[str]
    positive: int | None
    slices: dict[str | None, SliceScore] = field(default_factory=dict)
    without_data: tuple[str, ...] = ()
    predictions: int = 0

    def value(self, metric: str, slice_name: str | None) -> float:
        """The metric on a slice (None: the whole set); Undefined when it is not defined,
        KeyError for a metric mltriad does not compute."""
        part = self.part(slice_name)
        return compute(metric, part.confusion, self.positive, part.scores)

    def part(self, slice_name: str | None) -> SliceScore:
        if slice_name is None and self.without_data:
            raise Undefined(
                "the whole set",
                f"its slice(s) {', '.join(self.without_data)} list no data files in "
                f"{self.eval_set.path}, so their cases cannot be joined",
            )
        found = self.slices.get(slice_name)
        if found is None:
            raise Undefined(
                f"the slice {slice_name}",
                f"it lists no data files in {self.eval_set.path}",
            )
        return found


@dataclass
class _Index:
    ids: dict[str, int]
    labels: bytearray
    slices: bytearray
    label_names: list[str]
    positive: int | None
    slice_names: list[str]
    without_data: list[str]


# --- Opening files ---------------------------------------------------------------------------


def snapshot_opener(snapshot: Snapshot, path: str) -> Opener:
    """Open `path` of the snapshot: streamed from disk in a working tree, read whole (up to
    a limit) from a commit."""
    clean = normalize(path)
    if clean is None:
        raise ScoringError(f"the path '{path}' leads outside the repository", path=path)
    real_path = getattr(snapshot, "real_path", None)
    if callable(real_path):
        real = real_path(clean)
        return lambda: open(real, "rb")
    return lambda: io.BytesIO(snapshot.read_bytes(clean, SNAPSHOT_LIMIT))


def _text(opener: Opener, label: str) -> IO[str]:
    """The file as text, refused when it is a Git LFS pointer whose object is not here."""
    try:
        raw = opener()
    except ParseError as exc:
        raise ScoringError(exc.message, path=label) from None
    except OSError as exc:
        raise ScoringError(
            f"cannot be read ({exc.strerror or exc})",
            path=label,
            hint="Check the path and that the file is checked out.",
        ) from None
    head = raw.read(LFS_POINTER_MAX_BYTES)
    if len(head) < LFS_POINTER_MAX_BYTES and read_lfs_pointer(head) is not None:
        raw.close()
        raise ScoringError(
            "is a Git LFS pointer, not the data: its object has not been fetched",
            path=label,
            line=1,
            hint=f"Run `git lfs pull --include {label}` and run again.",
        )
    raw.seek(0)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _kind(label: str, first: str) -> str:
    lowered = label.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".jsonl.txt")):
        return "jsonl"
    if lowered.endswith(".tsv"):
        return "tsv"
    if lowered.endswith(".csv"):
        return "csv"
    return "jsonl" if first.lstrip().startswith("{") else "csv"


def _kind_and_header(opener: Opener, label: str) -> tuple[str, list[str]]:
    """The file's kind, and the columns of a CSV or TSV or the keys of the first record of
    JSON Lines."""
    with _text(opener, label) as text:
        first = text.readline()
        kind = _kind(label, first)
        if kind == "jsonl":
            try:
                record = json.loads(first) if first.strip() else {}
            except ValueError:
                return kind, []
            return kind, list(record) if isinstance(record, dict) else []
        delimiter = "\t" if kind == "tsv" else ","
        return kind, [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]


def header_of(opener: Opener, label: str) -> list[str]:
    return _kind_and_header(opener, label)[1]


class Records:
    """The records of a CSV, TSV or JSON Lines file, as tuples of the wanted columns' values,
    read as a stream: `with Records(...) as records: for values in records: ...`.

    A CSV must have every wanted column (the caller checks its header; at least two are
    wanted); a JSON Lines record without a key gives None for it. `line` is the line of
    the record last read, for messages. A CSV row with too few fields raises IndexError
    and bad CSV quoting csv.Error out of the loop: `problem(exc)` turns either into a
    ScoringError at its line. The CSV path runs in C (csv, filter, itemgetter), so the
    caller's loop body is the only Python per line.
    """

    def __init__(self, opener: Opener, label: str, wanted: tuple[str, ...]) -> None:
        self.opener, self.label, self.wanted = opener, label, wanted
        self._number = 0
        self._reader: Any = None

    def __enter__(self) -> Records:
        self._text = _text(self.opener, self.label)
        first = self._text.readline()
        kind = _kind(self.label, first)
        if kind == "jsonl":
            self._iter: Iterator[Any] = self._json_lines(first)
        else:
            delimiter = "\t" if kind == "tsv" else ","
            header = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
            self._width = len(header)
            getter = operator.itemgetter(*(header.index(w) for w in self.wanted))
            self._reader = csv.reader(self._text, delimiter=delimiter)
            self._iter = map(getter, filter(None, self._reader))
        return self

    def __exit__(self, *exc: object) -> None:
        self._text.close()

    def __iter__(self) -> Iterator[Any]:
        return self._iter

    @property
    def line(self) -> int:
        return self._reader.line_num + 1 if self._reader is not None else self._number

    def problem(self, exc: Exception) -> ScoringError:
        if isinstance(exc, IndexError):
            return ScoringError(
                f"has fewer fields than the {self._width} its header names",
                path=self.label,
                line=self.line,
                hint="Give every row a value for every column.",
            )
        return ScoringError(f"is not valid CSV ({exc})", path=self.label, line=self.line)

    def _json_lines(self, first: str) -> Iterator[tuple[Any, ...]]:
        def lines() -> Iterator[str]:
            yield first
            yield from self._text

        wanted = self.wanted
        for number, line in enumerate(lines(), 1):
            self._number = number
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ScoringError(
                    f"is not valid JSON Lines ({exc})",
                    path=self.label,
                    line=number,
                    hint="Write one JSON object per line.",
                ) from None
            if not isinstance(record, dict):
                raise ScoringError(
                    "holds a JSON value that is not an object",
                    path=self.label,
                    line=number,
                    hint="Write one JSON object per line.",
                )
            yield tuple(record.get(w) for w in wanted)


def _label_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None


# --- The evaluation set's cases --------------------------------------------------------------


def _index(eval_set: EvalSet, snapshot: Snapshot) -> _Index:
    positives = {s.columns.positive for s in eval_set.slices if s.columns and s.columns.positive}
    if len(positives) > 1:
        raise ScoringError(
            f"its slices declare different positive labels ({', '.join(sorted(positives))})",
            path=eval_set.path,
            hint="Declare one columns.positive for every slice of the set.",
        )
    cases = _Cases()
    slice_names: list[str] = []
    without: list[str] = []
    for s in eval_set.slices:
        if not s.files:
            without.append(s.name)
            continue
        code = len(slice_names)
        slice_names.append(s.name)
        for data_file in s.files:
            _read_slice_file(snapshot, s, data_file.path, code, cases)
    if not slice_names:
        raise ScoringError(
            "no slice lists data files, so there are no labelled cases to join predictions to",
            path=eval_set.path,
            hint="List each slice's data files (with `columns`) in the evaluation set.",
        )
    label_codes = cases.label_codes
    names = list(label_codes)
    positive_name = next(iter(positives), None)
    if positive_name is not None and positive_name not in label_codes:
        label_codes[positive_name] = len(names)
        names.append(positive_name)
    # Labels in a stable order: sorted, the positive label last.
    order = sorted(names, key=lambda n: (n == positive_name, n))
    remap = bytes(order.index(n) for n in names)
    labels = bytearray(cases.labels.translate(remap.ljust(256, b"\0")))
    return _Index(
        cases.ids,
        labels,
        cases.slices,
        order,
        order.index(positive_name) if positive_name is not None else None,
        slice_names,
        without,
    )


def _read_slice_file(snapshot: Snapshot, s: Slice, path: str, code: int, cases: _Cases) -> None:
    columns = s.columns
    id_column = columns.id if columns else "id"
    label_column = columns.label if columns else "label"
    opener = snapshot_opener(snapshot, path)
    header = header_of(opener, path)
    for column, key in ((id_column, "id"), (label_column, "label")):
        if column not in header:
            raise ScoringError(
                f"has no column '{column}' (its columns: {', '.join(header) or 'none'}), which "
                f"the slice {s.name} reads as its {key}",
                path=path,
                line=1,
                hint=f"Set columns.{key} of the slice {s.name} in the evaluation set to the "
                "right column.",
            )
    with Records(opener, path, (id_column, label_column)) as records:
        try:
            cases.read(records, code)
        except (IndexError, csv.Error) as exc:
            raise records.problem(exc) from None


class _Cases:
    """The set's cases as its data files are read: an id to a number, and by number a byte
    for the label (coded in order of appearance, until `_index` sorts the labels) and one
    for the slice."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.label_codes: dict[str, int] = {}
        self.labels = bytearray()
        self.slices = bytearray()

    def read(self, records: Records, code: int) -> None:
        """Add the cases of one data file, all of slice number `code`."""
        path = records.label
        label_codes, labels = self.label_codes, self.labels
        add_id, label_code_of, add_label = self.ids.setdefault, label_codes.get, labels.append
        first = number = len(labels)
        for case_id, label in records:
            text_id = case_id if type(case_id) is str else _label_text(case_id)
            text_label = label if type(label) is str else _label_text(label)
            if text_id is None or text_label is None:
                raise ScoringError(
                    f"has no {'id' if text_id is None else 'label'} in this row",
                    path=path,
                    line=records.line,
                )
            if add_id(text_id, number) != number:
                raise ScoringError(
                    f"repeats the case id '{text_id}', which an earlier row of the set has",
                    path=path,
                    line=records.line,
                    hint="Give every case of the set its own id.",
                )
            label_code = label_code_of(text_label)
            if label_code is None:
                if len(label_codes) >= MAX_LABELS:
                    raise ScoringError(
                        f"has more than {MAX_LABELS} distinct labels",
                        path=path,
                        line=records.line,
                    )
                label_code = label_codes[text_label] = len(label_codes)
            add_label(label_code)
            number += 1
        self.slices.extend(bytes((code,)) * (number - first))


# --- Joining the predictions -----------------------------------------------------------------


def score(
    eval_set: EvalSet,
    snapshot: Snapshot,
    opener: Opener,
    label: str,
    columns: PredictionColumns | None = None,
) -> Scored:
    """Join the predictions that `opener` opens (`label` names it in messages) to the set's
    cases, counting each slice's confusion and, where there are scores, keeping them."""
    with collector_paused():
        return _score(eval_set, snapshot, opener, label, columns or PredictionColumns())


def _score(
    eval_set: EvalSet,
    snapshot: Snapshot,
    opener: Opener,
    label: str,
    columns: PredictionColumns,
) -> Scored:
    index = _index(eval_set, snapshot)
    kind, header = _kind_and_header(opener, label)
    if kind != "jsonl":
        for column, option in (
            (columns.id, "--id-column"),
            (columns.prediction, "--prediction-column"),
        ):
            if column not in header:
                raise ScoringError(
                    f"has no column '{column}' (its columns: {', '.join(header) or 'none'})",
                    path=label,
                    line=1,
                    hint=f"Name the right column with {option}.",
                )
    with_scores = (columns.score in header) and index.positive is not None
    n_labels = len(index.label_names)
    parts = [
        SliceScore(name, Confusion(list(index.label_names)), Scores() if with_scores else None)
        for name in index.slice_names
    ]
    codes = {name: i for i, name in enumerate(index.label_names)}
    seen = bytearray(len(index.labels))
    ids, labels, slices = index.ids, index.labels, index.slices
    # Flat counts per slice, folded into the confusion matrices at the end: the inner loop
    # stays a few dictionary and list operations per line.
    flat = [[0] * (n_labels * n_labels) for _ in parts]
    positive = index.positive
    wanted: tuple[str, ...] = (columns.id, columns.prediction)
    if with_scores:
        wanted += (columns.score,)
    positives = [p.scores.positive for p in parts if p.scores is not None]
    negatives = [p.scores.negative for p in parts if p.scores is not None]
    get_number, get_code = ids.get, codes.get
    with Records(opener, label, wanted) as records:
        try:
            for values in records:
                case_id = values[0]
                number = get_number(case_id if type(case_id) is str else _label_text(case_id) or "")
                if number is None:
                    raise ScoringError(
                        f"predicts the id '{case_id}', which is not a case of {eval_set.id} "
                        f"({eval_set.path})",
                        path=label,
                        line=records.line,
                        hint="Predict only the set's cases (its slices' data files), or check the "
                        "id column (--id-column).",
                    )
                if seen[number]:
                    raise ScoringError(
                        f"predicts the case '{case_id}' a second time",
                        path=label,
                        line=records.line,
                        hint="Give one prediction per case.",
                    )
                seen[number] = 1
                predicted = values[1]
                code = get_code(
                    predicted if type(predicted) is str else _label_text(predicted) or ""
                )
                if code is None:
                    raise ScoringError(
                        f"predicts the label '{predicted}', which no case of {eval_set.id} has (its "
                        f"labels: {', '.join(index.label_names)})",
                        path=label,
                        line=records.line,
                        hint="Predict one of the set's labels (--prediction-column names the column).",
                    )
                part = slices[number]
                actual = labels[number]
                flat[part][actual * n_labels + code] += 1
                if with_scores:
                    raw = values[2]
                    try:
                        value = float(raw)
                    except (TypeError, ValueError):
                        value = math.nan
                    if value - value != 0 or type(raw) is bool:  # NaN or infinite
                        _bad_score(raw, label, records.line, columns.score)
                    (positives if actual == positive else negatives)[part].append(value)
        except (IndexError, csv.Error) as exc:
            raise records.problem(exc) from None
    count = seen.count(1)  # each case is predicted at most once (a second time is an error)
    missing = len(seen) - count
    if missing:
        first = [i for i, n in _first_unseen(ids, seen)]
        raise ScoringError(
            f"has no prediction for {missing:,} of the {len(seen):,} cases of {eval_set.id} "
            f"(first: {', '.join(first)})",
            path=label,
            hint="Predict every case of the set's slices, then run again.",
        )
    whole = SliceScore(None, Confusion(list(index.label_names)), Scores() if with_scores else None)
    for part_score, counts in zip(parts, flat, strict=True):
        for k, value in enumerate(counts):
            if value:
                part_score.confusion.add(k // n_labels, k % n_labels, value)
        part_score.cases = part_score.confusion.total
        whole.confusion.merge(part_score.confusion)
        if part_score.scores is not None and whole.scores is not None:
            whole.scores.merge(part_score.scores)
    whole.cases = whole.confusion.total
    scored = Scored(eval_set, list(index.label_names), positive, predictions=count)
    scored.slices = {p.name: p for p in parts}
    scored.slices[None] = whole
    scored.without_data = tuple(index.without_data)
    return scored


def _first_unseen(ids: dict[str, int], seen: bytearray) -> Iterator[tuple[str, int]]:
    found = 0
    for case_id, number in ids.items():
        if not seen[number]:
            yield case_id, number
            found += 1
            if found == FIRST_IDS:
                return


def _bad_score(raw: Any, label: str, line: int, column: str) -> None:
    raise ScoringError(
        f"has the {column} '{raw if raw is not None else ''}', which is not a finite number",
        path=label,
        line=line,
        hint="Give every prediction a numeric score, or leave the score column out.",
    )


def sha256_of(opener: Opener) -> str:
    digest = hashlib.sha256()
    with opener() as raw:
        while chunk := raw.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
