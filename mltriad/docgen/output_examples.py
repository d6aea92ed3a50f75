"""Examples of every output format, produced by running the real `mltriad check`.

A small repository with two mistakes is written to a temporary folder and checked once
per format, so the examples in the documentation are what the installed version prints.
The JUnit example is the real `mltriad gate` on the same repository, made a git
repository whose branch adds the model card.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from mltriad.cli import cli
from mltriad.docgen.markdown import fence
from mltriad.gitrepo import run_git

POLICY = """\
version: 1
roles:
  ml-engineer:
    members: [{name: Ada Lovelace, email: ada@example.org}]
  product-manager:
    members: [{name: Grace Hopper, email: grace@example.org}]
  domain-expert:
    members: [{name: Katherine Johnson, email: katherine@example.org}]
"""

# Two mistakes: a status that does not exist, and an evaluation set with no manifest.
MODEL_CARD_PATH = "model-cards/fraud-detector.md"
MODEL_CARD = """\
---
id: fraud-detector
version: 2.1.0
status: shipped
owners:
  ml-engineer: ada@example.org
  product-manager: grace@example.org
task:
  input: A card payment authorisation request.
  output: A fraud score from 0 to 1.
intended_use: Route risky card payments to manual review.
eval_sets: [fraud-holdout]
targets:
  - metric: recall
    min: 0.8
---

# Card-payment fraud detector

## Intended use

Scores card payments so that risky ones are reviewed by a person.

## Limitations

Not trained on payments outside the EU.
"""

FORMATS = ("text", "json", "github", "sarif", "gitlab")
# For the gate's example: who must sign a model card.
REQUIRE = "require:\n  model-card: [ml-engineer, product-manager, domain-expert]\n"
_COMMITTER = ["-c", "user.name=Ada Lovelace", "-c", "user.email=ada@example.org"]


@contextmanager
def sample_repository() -> Iterator[Path]:
    """The sample repository in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="mltriad-docs-") as folder:
        root = Path(folder)
        (root / "triad.yaml").write_text(POLICY, encoding="utf-8")
        (root / MODEL_CARD_PATH).parent.mkdir(parents=True)
        (root / MODEL_CARD_PATH).write_text(MODEL_CARD, encoding="utf-8")
        yield root


def run_check(root: Path, fmt: str) -> tuple[str, str]:
    """`mltriad -C ROOT check --format FMT`: its output and the GitHub step summary (for
    the gitlab format: the report, written with --output, and the job log)."""

    summary = root / "step-summary.md"
    report = root / "report.out"
    env = {"GITHUB_STEP_SUMMARY": str(summary) if fmt == "github" else None, "GITHUB_ACTIONS": None}
    args = ["-C", str(root), "check", "--format", fmt]
    if fmt == "gitlab":  # the report alone, whether the runner mixes stderr into stdout or not
        args += ["--output", str(report)]
    with _kept_cwd():
        result = CliRunner().invoke(cli, args, env=env)
    if result.exit_code not in (0, 1):
        raise RuntimeError(
            f"mltriad check --format {fmt} exited {result.exit_code} on the "
            f"documentation's sample repository:\n{result.output}"
        )
    if fmt == "gitlab":
        output = report.read_text(encoding="utf-8")
        report.unlink()
        return output, result.output
    step_summary = summary.read_text(encoding="utf-8") if summary.exists() else ""
    return result.stdout, step_summary


def run_gate_junit(root: Path) -> str:
    """`mltriad gate --format junit` for a branch that adds the sample model card."""
    card = root / MODEL_CARD_PATH
    text = card.read_text(encoding="utf-8")
    card.unlink()
    policy = root / "triad.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + REQUIRE, encoding="utf-8")
    for args in (
        ["init", "--quiet", "-b", "main"],
        ["add", "triad.yaml"],
        [*_COMMITTER, "commit", "--quiet", "-m", "The policy"],
        ["checkout", "--quiet", "-b", "add-card"],
    ):
        _git(root, args)
    card.write_text(text, encoding="utf-8")
    _git(root, ["add", MODEL_CARD_PATH])
    _git(root, [*_COMMITTER, "commit", "--quiet", "-m", "Add the model card"])
    report = root / "gate.junit.xml"
    with _kept_cwd():
        result = CliRunner().invoke(
            cli,
            ["-C", str(root), "gate", "--base", "main", "--format", "junit", "-o", str(report)],
            env={"GITHUB_ACTIONS": None, "GITLAB_CI": None},
        )
    if result.exit_code != 1:
        raise RuntimeError(
            f"mltriad gate --format junit exited {result.exit_code} on the documentation's "
            f"sample repository:\n{result.output}"
        )
    return report.read_text(encoding="utf-8")


def _git(root: Path, args: list[str]) -> None:
    done = run_git(args, root)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")


@contextmanager
def _kept_cwd() -> Iterator[None]:
    # `-C` changes the working directory of this process; the caller's must survive it.
    before = os.getcwd()
    try:
        yield
    finally:
        os.chdir(before)


def snippets() -> dict[str, str]:
    """Markdown blocks for the output-format page, keyed by the marker that asks for them."""
    with sample_repository() as root:
        outputs = {fmt: run_check(root, fmt) for fmt in FORMATS}
        junit = run_gate_junit(root)
    sarif_rule, sarif_result = _sarif_parts(outputs["sarif"][0])
    return {
        "sample-model-card": fence(MODEL_CARD, "markdown"),
        "output-text": fence("$ mltriad check\n" + outputs["text"][0], "text"),
        "output-json": fence(outputs["json"][0], "json"),
        "output-github": fence(outputs["github"][0], "text"),
        "output-github-summary": fence(outputs["github"][1], "markdown"),
        "output-sarif": fence(outputs["sarif"][0], "json"),
        "output-sarif-rule": fence(sarif_rule, "json"),
        "output-sarif-result": fence(sarif_result, "json"),
        "output-gitlab": fence(outputs["gitlab"][0], "json"),
        "output-junit": fence(junit, "xml"),
    }


def _sarif_parts(sarif: str) -> tuple[str, str]:
    """The first result of a SARIF log and the rule entry it refers to, as JSON text."""
    run = json.loads(sarif)["runs"][0]
    result = run["results"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == result["ruleId"])
    return json.dumps(rule, indent=2), json.dumps(result, indent=2)
