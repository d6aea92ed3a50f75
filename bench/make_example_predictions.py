"""Write the example repository's synthetic-attacks slice and the predictions of its
evaluation run, deterministically (a fixed seed): template-repo/example/data/fraud-holdout/
synthetic-attacks.csv and template-repo/example/eval-runs/2026-11-02-gbm-v2.1.0/
predictions.csv.

The predictions are chosen so that the example card's stated results are what
`mltriad results compute` gives: recall on new-merchants 41/47 (0.8723), precision on the
whole set 284/400 (0.71), false-positive rate on production-sample 8/585 (0.0137).

    python bench/make_example_predictions.py          # write both files
    python bench/make_example_predictions.py --check  # fail if they differ from these
"""

from __future__ import annotations

import csv
import io
import random
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "template-repo" / "example"
DATA = EXAMPLE / "data" / "fraud-holdout"
PREDICTIONS = EXAMPLE / "eval-runs" / "2026-11-02-gbm-v2.1.0" / "predictions.csv"

# Per slice: how many fraud cases are caught (true positives) and legit ones flagged.
CAUGHT = {"production-sample": 12, "new-merchants": 41, "synthetic-attacks": 231}
FLAGGED = {"production-sample": 8, "new-merchants": 48, "synthetic-attacks": 60}
THRESHOLD = 0.8


def synthetic_attacks(rng: random.Random) -> str:
    """400 generated cases: 250 card-testing and account-takeover attacks, 150 look-alikes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["payment_id", "merchant_age_days", "amount_eur", "country", "label"])
    labels = ["fraud"] * 250 + ["legit"] * 150
    rng.shuffle(labels)
    countries = ["DE", "ES", "FR", "IE", "IT", "NL", "PL"]
    for i, label in enumerate(labels, 1):
        amount = round(rng.uniform(0.5, 3.0) if label == "fraud" else rng.uniform(1, 400), 2)
        writer.writerow(
            [f"sa-{i:05d}", rng.randint(1, 4000), f"{amount:.2f}", rng.choice(countries), label]
        )
    return out.getvalue()


def cases(text: str) -> list[tuple[str, str]]:
    return [(row["payment_id"], row["label"]) for row in csv.DictReader(io.StringIO(text))]


def predictions(slices: dict[str, list[tuple[str, str]]], rng: random.Random) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "prediction", "score"])
    for name, rows in slices.items():
        frauds = [case_id for case_id, label in rows if label == "fraud"]
        legits = [case_id for case_id, label in rows if label == "legit"]
        flagged = set(rng.sample(frauds, CAUGHT[name])) | set(rng.sample(legits, FLAGGED[name]))
        for case_id, _ in rows:
            if case_id in flagged:
                score = rng.uniform(THRESHOLD + 0.001, 1.0)
            else:
                score = rng.uniform(0.0, THRESHOLD)
            prediction = "fraud" if case_id in flagged else "legit"
            writer.writerow([case_id, prediction, f"{score:.4f}"])
    return out.getvalue()


def main(argv: list[str]) -> int:
    rng = random.Random(20261102)
    attacks = synthetic_attacks(rng)
    slices = {
        "production-sample": cases((DATA / "production-sample.csv").read_text("utf-8")),
        "new-merchants": cases((DATA / "new-merchants.csv").read_text("utf-8")),
        "synthetic-attacks": cases(attacks),
    }
    files = {DATA / "synthetic-attacks.csv": attacks, PREDICTIONS: predictions(slices, rng)}
    if "--check" in argv:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text("utf-8") != text]
        for path in stale:
            print(f"{path} is not what {Path(__file__).name} writes; run it", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(EXAMPLE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
