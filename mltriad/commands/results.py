"""`mltriad results compute` and `mltriad results import`: write a card's measured results.

`compute` joins a predictions file to the evaluation set's labelled cases and computes
every metric the card's targets name, on every slice with data and on the whole set, with
a confusion matrix per slice. `import` reads the values another tool measured. Both
change only the card's `results` and `confusion` blocks (see `mltriad.cardedit`), and with
`dry_run` write nothing.
"""

from __future__ import annotations

import datetime
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mltriad.artifacts import Artifact, Repository
from mltriad.cardedit import update_lists
from mltriad.errors import MltriadError
from mltriad.evalsets import EvalSet, load_eval_set
from mltriad.files import write_file
from mltriad.glossary import glossary_of
from mltriad.measurements import read_measurements
from mltriad.metrics import METRICS, Undefined
from mltriad.policy import read_policy
from mltriad.scoring import PredictionColumns, Scored, score, sha256_of
from mltriad.snapshot import WorkTree
from mltriad.targets import Target, card_targets, metric_key


@dataclass
class CardChange:
    """What a results command did (or, with dry_run, would do) to a card."""

    path: str
    before: str
    after: str
    written: bool
    values: list[tuple[str, str | None, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"a/{self.path}",
                f"b/{self.path}",
            )
        )


def _open_card(root: Path, card: str) -> tuple[Repository, Artifact]:
    snapshot = WorkTree(root)
    policy, _ = read_policy(snapshot)
    repo = Repository(snapshot, policy)
    path = _relative(root, card)
    if path is None or not (root / path).is_file():
        raise MltriadError(f"'{card}' is not a file of the repository at {root}")
    artifact = repo.load(path, "model-card")
    if artifact.doc is None or not artifact.doc.has_front_matter:
        problem = artifact.problems[0] if artifact.problems else None
        raise MltriadError(
            "is not a model card with valid YAML front matter"
            + (f" ({problem.message})" if problem else ""),
            path=path,
            line=problem.line if problem else 1,
            hint="Fix the front matter first (`mltriad check` shows where); nothing was written.",
        )
    return repo, artifact


def _relative(root: Path, given: str) -> str | None:
    full = Path(os.path.abspath(given))
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        return None


def _eval_set(repo: Repository, card: Artifact, wanted: str | None) -> EvalSet:
    targets = card_targets(card)
    named = list(dict.fromkeys(t.eval_set for t in targets if t.eval_set))
    if wanted is None:
        if len(named) != 1:
            raise MltriadError(
                f"the card's targets name {len(named)} evaluation sets "
                f"({', '.join(named) or 'none'})",
                path=card.path,
                hint="Say which one the predictions are for with --eval-set ID.",
            )
        wanted = named[0]
    eval_set = load_eval_set(repo, wanted)
    if eval_set is None:
        raise MltriadError(
            f"the evaluation set '{wanted}' has no manifest that parses",
            path=card.path,
            hint=f"Check that eval-sets/{wanted}.yaml exists and passes `mltriad check`.",
        )
    return eval_set


def _today(date: str | None) -> str:
    if date is None:
        return datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    try:
        return datetime.date.fromisoformat(date).isoformat()
    except ValueError:
        raise MltriadError(
            f"--date '{date}' is not a date", hint="Write it as YYYY-MM-DD."
        ) from None


def _write(root: Path, card: Artifact, after: str, dry_run: bool) -> bool:
    if dry_run or card.doc is None or after == card.doc.text:
        return False
    write_file(root / card.path, after.encode("utf-8"), inside=root)
    return True


def _result_key(entry: dict[str, Any]) -> object:
    return (metric_key(str(entry.get("metric", ""))), entry.get("slice"), entry.get("eval_set"))


def _confusion_key(entry: dict[str, Any]) -> object:
    return (entry.get("eval_set"), entry.get("slice"))


def _result(
    metric: str,
    slice_name: str | None,
    eval_set: EvalSet,
    value: float,
    measured_at: str,
    run: str | None,
    predictions: dict[str, str] | None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"metric": metric}
    if slice_name is not None:
        entry["slice"] = slice_name
    entry["eval_set"] = eval_set.id
    entry["eval_set_digest"] = eval_set.digest
    entry["value"] = float(value)
    entry["measured_at"] = measured_at
    if run:
        entry["run"] = run
    if predictions:
        entry["predictions"] = predictions
    return entry


# --- compute -------------------------------------------------------------------------------


def compute(
    root: Path,
    card_path: str,
    predictions: str,
    *,
    run: str | None = None,
    eval_set_id: str | None = None,
    columns: PredictionColumns | None = None,
    date: str | None = None,
    skip: tuple[str, ...] = (),
    dry_run: bool = False,
) -> CardChange:
    """Recompute the card's results from `predictions` (a path, as given on the command line)."""
    repo, card = _open_card(root, card_path)
    eval_set = _eval_set(repo, card, eval_set_id)
    columns = columns or PredictionColumns()
    pred_path = Path(predictions)
    in_repo = _relative(root, predictions)
    label = in_repo or predictions
    targets = [t for t in card_targets(card) if t.eval_set == eval_set.id]
    skipped = {metric_key(s) for s in skip}
    glossary = glossary_of(repo)
    formulas: dict[str, str] = {}
    for target in targets:
        key = metric_key(target.metric)
        if key in skipped:
            continue
        formulas[key] = glossary.formula(target.metric)
        if formulas[key] not in METRICS:
            line = card.locate(["targets", target.index, "metric"])[0]
            raise MltriadError(
                f"{target.label} names the metric '{target.metric}', which mltriad cannot "
                f"compute from predictions (it computes {', '.join(METRICS)})",
                path=card.path,
                line=line,
                hint=f"Import it with `mltriad results import`, leave it out with "
                f"--skip {target.metric}, or give its glossary entry `computed_as:` one of "
                "those.",
            )

    def opener() -> Any:
        return open(pred_path, "rb")

    scored = score(eval_set, repo.snapshot, opener, label, columns)
    sha = sha256_of(opener)
    reference: dict[str, str] = {"path": label, "sha256": sha}
    if columns.id != "id":
        reference["id_column"] = columns.id
    if columns.prediction != "prediction":
        reference["prediction_column"] = columns.prediction
    if columns.score != "score":
        reference["score_column"] = columns.score
    measured_at = _today(date)
    change = CardChange(card.path, card.doc.text if card.doc else "", "", False)
    entries = _computed_entries(
        card, targets, formulas, scored, eval_set, measured_at, run, reference, change, skipped
    )
    confusion = _confusion_entries(scored, eval_set, measured_at, run)
    assert card.doc is not None
    after = update_lists(
        card.doc, [("results", entries, _result_key), ("confusion", confusion, _confusion_key)]
    )
    change.after = after
    change.written = _write(root, card, after, dry_run)
    return change


def _computed_entries(
    card: Artifact,
    targets: list[Target],
    formulas: dict[str, str],
    scored: Scored,
    eval_set: EvalSet,
    measured_at: str,
    run: str | None,
    reference: dict[str, str],
    change: CardChange,
    skipped: set[str],
) -> list[dict[str, Any]]:
    """Each metric (named as the card names it, computed as `formulas` says) on the whole
    set and on every slice with data; a metric that a target needs and the data do not
    define is an error, any other undefined one a note."""
    wanted = {
        (metric_key(t.metric), t.slice): t for t in targets if metric_key(t.metric) not in skipped
    }
    parts: list[str | None] = [None, *[s for s in scored.slices if s is not None]]
    spelled = {metric_key(t.metric): t.metric for t in targets}  # as the card writes it
    entries = []
    for metric, formula in formulas.items():
        for part in parts:
            try:
                value = scored.value(formula, part)
            except Undefined as exc:
                target = wanted.get((metric, part))
                if target is not None:
                    line = card.locate(["targets", target.index])[0]
                    raise MltriadError(
                        f"{target.label} ({metric} on {part or eval_set.id}) cannot be computed "
                        f"from these predictions: {exc}",
                        path=card.path,
                        line=line,
                        hint="Check the slice's data and the predictions, or the target.",
                    ) from None
                change.notes.append(
                    f"{spelled[metric]} on {part or eval_set.id} not written: {exc}"
                )
                continue
            change.values.append((spelled[metric], part, value))
            entries.append(
                _result(spelled[metric], part, eval_set, value, measured_at, run, reference)
            )
    for (metric, part), target in wanted.items():
        if part is not None and part not in scored.slices:
            line = card.locate(["targets", target.index])[0]
            raise MltriadError(
                f"{target.label} ({metric} on {part}) cannot be computed: the slice lists no "
                f"data files in {eval_set.path}",
                path=card.path,
                line=line,
                hint="List the slice's data files (with columns) in the evaluation set.",
            )
    return entries


def _confusion_entries(
    scored: Scored, eval_set: EvalSet, measured_at: str, run: str | None
) -> list[dict[str, Any]]:
    entries = []
    order: list[str | None] = [*[s for s in scored.slices if s is not None]]
    if not scored.without_data:
        order.append(None)
    for part in order:
        confusion = scored.slices[part].confusion
        entry: dict[str, Any] = {"eval_set": eval_set.id}
        if part is not None:
            entry["slice"] = part
        entry["eval_set_digest"] = eval_set.digest
        entry["labels"] = list(confusion.labels)
        entry["counts"] = [list(row) for row in confusion.counts]
        if run:
            entry["run"] = run
        entry["measured_at"] = measured_at
        entries.append(entry)
    return entries


# --- import --------------------------------------------------------------------------------


def parse_map(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip():
            raise MltriadError(
                f"--map '{pair}' is not FROM=TO", hint="Write --map eval_accuracy=accuracy."
            )
        mapping[source.strip()] = target.strip()
    return mapping


def import_results(
    root: Path,
    card_path: str,
    source: str,
    *,
    eval_set_id: str,
    slice_name: str | None = None,
    run: str | None = None,
    mapping: dict[str, str] | None = None,
    date: str | None = None,
    dry_run: bool = False,
) -> CardChange:
    """Write the values another tool measured (`source`: a file or an MLflow run folder)."""
    repo, card = _open_card(root, card_path)
    eval_set = load_eval_set(repo, eval_set_id)
    if eval_set is None:
        raise MltriadError(
            f"--eval-set '{eval_set_id}' names no evaluation set of the repository",
            hint="Use the id of a manifest under eval-sets/.",
        )
    if slice_name is not None and eval_set.slice(slice_name) is None:
        raise MltriadError(
            f"--slice '{slice_name}' is not a slice of {eval_set.id} (its slices: "
            f"{', '.join(eval_set.slice_names)})",
            path=eval_set.path,
        )
    label = _relative(root, source) or source
    found = read_measurements(Path(source), label)
    names = {metric_key(t.metric): t.metric for t in card_targets(card)}
    combined = {**repo.policy.metric_map, **(mapping or {})}
    measured_at = _today(date)
    change = CardChange(card.path, card.doc.text if card.doc else "", "", False)
    entries = []
    unmapped = []
    for item in found.items:
        target_name = combined.get(item.name)
        if target_name is None:
            target_name = names.get(metric_key(item.name))
        if target_name is None:
            unmapped.append(f"{item.name} (line {item.line})")
            continue
        if target_name == "":
            change.notes.append(f"{item.name} skipped (mapped to nothing)")
            continue
        part = item.slice or slice_name
        if part is not None and eval_set.slice(part) is None:
            raise MltriadError(
                f"the metric '{item.name}' is for the slice '{part}', which {eval_set.id} "
                f"does not have (its slices: {', '.join(eval_set.slice_names)})",
                path=label,
                line=item.line,
            )
        change.values.append((target_name, part, item.value))
        entries.append(_result(target_name, part, eval_set, item.value, measured_at, run, None))
    if unmapped:
        raise MltriadError(
            f"{len(unmapped)} metric(s) of this {found.format} file name no target of the card: "
            f"{', '.join(unmapped)}; the card's target metrics are "
            f"{', '.join(dict.fromkeys(names.values())) or 'none'}",
            path=label,
            hint="Map each one with --map FROM=TO (or results.metric_map in triad.yaml); "
            "--map FROM= skips one. Nothing was written.",
        )
    if not entries:
        raise MltriadError(f"holds no metric to import ({found.format})", path=label)
    assert card.doc is not None
    after = update_lists(card.doc, [("results", entries, _result_key)])
    change.after = after
    change.written = _write(root, card, after, dry_run)
    return change
