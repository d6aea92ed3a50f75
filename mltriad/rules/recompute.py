"""The work behind MT319-MT321 (see `result_rules`), imported only for a card whose results
name a predictions file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mltriad.artifacts import Artifact
from mltriad.evalsets import LFS_POINTER_MAX_BYTES, load_eval_set, read_lfs_pointer
from mltriad.findings import Finding, ParseError, finding, rule
from mltriad.glossary import Glossary, glossary_of
from mltriad.metrics import Undefined
from mltriad.rules.base import Context
from mltriad.scoring import (
    PredictionColumns,
    Scored,
    ScoringError,
    score,
    sha256_of,
    snapshot_opener,
)
from mltriad.snapshot import normalize
from mltriad.targets import format_number

# The rules are defined (and registered) in result_rules, which imports this module lazily.
NOT_REPRODUCED = rule("MT319")
PREDICTIONS_CHANGED = rule("MT320")
PREDICTIONS_ABSENT = rule("MT321")


def at(artifact: Artifact, rule_: Any, message: str, where: list[str | int]) -> Finding:
    line, col = artifact.locate(where)
    return finding(rule_, artifact.path, message, line, col)


def decimals(value: float) -> int:
    text = f"{value:.10g}"
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".", 1)[1])


def reproduces(stated: float, computed: float) -> bool:
    """True when `stated` is `computed` written to its own precision (at least 2 decimals)."""
    places = max(decimals(stated), 2)
    return abs(stated - computed) <= 0.5 * 10.0**-places + 1e-12


def _default_set(artifact: Artifact) -> str | None:
    listed = artifact.data.get("eval_sets")
    if isinstance(listed, list) and listed and isinstance(listed[0], str):
        return listed[0]
    return None


def recompute(artifact: Artifact, ctx: Context, entries: list[Any]) -> Iterable[Finding]:
    groups: dict[tuple[str, str, str, str, str, str], list[int]] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        ref = entry.get("predictions")
        set_id = entry.get("eval_set") or _default_set(artifact)
        if not isinstance(ref, dict) or not isinstance(set_id, str):
            continue
        path, sha = ref.get("path"), ref.get("sha256")
        if not isinstance(path, str) or not isinstance(sha, str):
            continue  # the schema's finding
        key = (
            path,
            sha.lower(),
            set_id,
            str(ref.get("id_column") or "id"),
            str(ref.get("prediction_column") or "prediction"),
            str(ref.get("score_column") or "score"),
        )
        groups.setdefault(key, []).append(i)
    found: list[Finding] = []
    for key, indexes in groups.items():
        found.extend(_group(artifact, ctx, entries, key, indexes))
    return found


def _group(
    artifact: Artifact,
    ctx: Context,
    entries: list[Any],
    key: tuple[str, str, str, str, str, str],
    indexes: list[int],
) -> Iterable[Finding]:
    path, sha, set_id, id_column, prediction_column, score_column = key
    first: list[str | int] = ["results", indexes[0], "predictions"]
    eval_set = load_eval_set(ctx.repo, set_id)
    if eval_set is None:
        return  # an unknown evaluation set is MT206's finding
    snapshot = ctx.repo.snapshot
    clean = normalize(path)
    if clean is None or not snapshot.exists(clean):
        yield at(
            artifact,
            PREDICTIONS_ABSENT,
            f"results[{indexes[0]}] names the predictions file {path}, which is not in the "
            f"{snapshot.label}, so {len(indexes)} result(s) were not recomputed; commit it to "
            "have them checked",
            [*first, "path"],
        )
        return
    opener = snapshot_opener(snapshot, clean)
    try:
        with opener() as raw:
            head = raw.read(LFS_POINTER_MAX_BYTES)
        pointer = read_lfs_pointer(head) if len(head) < LFS_POINTER_MAX_BYTES else None
        actual = pointer.oid if pointer is not None else sha256_of(opener)
    except (OSError, ParseError) as exc:
        yield at(
            artifact,
            PREDICTIONS_CHANGED,
            f"the predictions file {path} cannot be read ({exc}); fix it, or run `mltriad "
            "results compute` again",
            [*first, "path"],
        )
        return
    if actual != sha:
        yield at(
            artifact,
            PREDICTIONS_CHANGED,
            f"the predictions file {path} has sha256 {actual[:12]}..., but results[{indexes[0]}] "
            f"records {sha[:12]}...: the results were computed from another file; restore it, "
            "or run `mltriad results compute` with this one",
            [*first, "sha256"],
        )
        return
    if pointer is not None:
        yield at(
            artifact,
            PREDICTIONS_ABSENT,
            f"the predictions file {path} is a Git LFS pointer whose object is not fetched "
            f"(its oid matches), so {len(indexes)} result(s) were not recomputed; `git lfs "
            f"pull --include {path}` to have them checked",
            [*first, "path"],
        )
        return
    try:
        scored = score(
            eval_set,
            snapshot,
            opener,
            path,
            PredictionColumns(id_column, prediction_column, score_column),
        )
    except ScoringError as exc:
        yield at(
            artifact,
            PREDICTIONS_CHANGED,
            f"the results cannot be recomputed from their predictions: {exc.render()}",
            [*first, "path"],
        )
        return
    glossary = glossary_of(ctx.repo)
    for i in indexes:
        yield from _compare(artifact, entries[i], i, scored, path, glossary)


def _compare(
    artifact: Artifact,
    entry: dict[str, Any],
    index: int,
    scored: Scored,
    path: str,
    glossary: Glossary,
) -> Iterable[Finding]:
    metric = str(entry.get("metric", ""))
    part = entry.get("slice") if isinstance(entry.get("slice"), str) else None
    value = entry.get("value")
    subject = f"{metric} on {part or scored.eval_set.id}"
    try:
        computed = scored.value(glossary.formula(metric), part)
    except KeyError:
        yield at(
            artifact,
            PREDICTIONS_CHANGED,
            f"results[{index}] names the predictions {path}, but {metric} is not a metric "
            "mltriad computes from predictions; remove `predictions` from this result",
            ["results", index, "metric"],
        )
        return
    except Undefined as exc:
        yield at(
            artifact,
            PREDICTIONS_CHANGED,
            f"results[{index}] ({subject}) cannot be recomputed from {path}: {exc}",
            ["results", index, "value"],
        )
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return  # the schema's finding
    if not reproduces(float(value), computed):
        yield at(
            artifact,
            NOT_REPRODUCED,
            f"results[{index}] states {subject} is {format_number(float(value))}, but its "
            f"predictions ({path}) give {format_number(round(computed, 4))}; run `mltriad "
            "results compute` again, or restore the value",
            ["results", index, "value"],
        )
