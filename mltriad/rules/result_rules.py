"""MT319-MT321: results recomputed from the predictions file they name.

A result that records `predictions: {path, sha256}` is recomputed from that file when it is
in the repository: a stated value the predictions do not reproduce is MT319, a file that
is no longer the one the result records (or that cannot be joined to the set) is MT320,
and a file that is not here to read (absent, or a Git LFS pointer whose object was not
fetched) is noted (MT321). A card whose results name no predictions file costs nothing
here: the check returns before reading anything.

A stated value reproduces the computed one when they agree to the precision it is written
with, and at least to two decimals: 0.87 states 0.8723, 0.9 does not.
"""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.artifacts import Artifact
from mltriad.findings import Finding, Severity, define
from mltriad.rules.base import Context, checks

NOT_REPRODUCED = define(
    "MT319",
    "result-not-reproduced",
    "A stated result differs from what the predictions file it names gives when recomputed.",
    example="results: [{metric: recall, value: 0.91, predictions: {path: eval-runs/p.csv, "
    "sha256: ...}}]   # the predictions give 0.8723",
    fix="Run `mltriad results compute` again and commit what it writes, or restore the "
    "value the predictions give.",
)
PREDICTIONS_CHANGED = define(
    "MT320",
    "predictions-not-usable",
    "The predictions file a result names is not the one it records (its sha256 differs), or "
    "it cannot be joined to the evaluation set (an unknown id, a case without prediction).",
    example="predictions: {path: eval-runs/p.csv, sha256: 5f0c...}   # the file now has 9a1b...",
    fix="Restore the predictions file, or run `mltriad results compute` with the new one.",
)
PREDICTIONS_ABSENT = define(
    "MT321",
    "predictions-not-checked",
    "The predictions file a result names is not in the checkout (absent, or a Git LFS "
    "pointer whose object was not fetched), so the result was not recomputed.",
    severity=Severity.INFO,
    example="predictions: {path: eval-runs/p.csv, ...}   # not in the repository",
    fix="Commit the predictions file, or fetch it (`git lfs pull`), to have results checked.",
)


@checks("model-card")
def recomputed_results(artifact: Artifact, ctx: Context) -> Iterable[Finding]:
    entries = artifact.data.get("results")
    if not isinstance(entries, list) or not any(
        isinstance(e, dict) and isinstance(e.get("predictions"), dict) for e in entries
    ):
        return []
    from mltriad.rules.recompute import recompute  # only for cards that name predictions

    return recompute(artifact, ctx, entries)
