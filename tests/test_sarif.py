"""The SARIF logs of `check` and `gate` on real repositories whose paths have a space, `,`,
`:`, `%` and a non-ASCII letter: valid against the OASIS SARIF 2.1.0 schema (vendored in
tests/data/sarif), and, where it is installed, clean under Microsoft's validator
(`sarif-multitool validate`, from npm; .ci/run installs it)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from jsonschema import Draft4Validator, FormatChecker

from tests.helpers import CARD, EXAMPLE_REPO, TESTS, commit_all, git, invoke, private_home
from tests.helpers.signing import Team

SCHEMA = json.loads((TESTS / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))
# A folder and a card name that are not valid in a URI as they are.
FOLDER = "ml team, ü"
ODD_CARD = "model-cards/fraud detector, v2: 100% ü.md"
ENCODED_CARD = "model-cards/fraud%20detector%2C%20v2%3A%20100%25%20%C3%BC.md"
# Microsoft's test of a "Pascal identifier" (SARIF2012).
PASCAL = re.compile(r"^(?:[A-Z][a-z0-9]+)+$")


def schema_errors(log: dict[str, Any]) -> list[str]:
    checker = FormatChecker()
    # Without rfc3986-validator jsonschema would skip the URI formats: the test would pass
    # on the very paths it is about.
    assert "uri-reference" in checker.checkers, "pip install rfc3986-validator"
    validator = Draft4Validator(SCHEMA, format_checker=checker)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def uris(log: dict[str, Any]) -> set[str]:
    return {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
        for location in result["locations"]
    }


def check_log(root: Path) -> dict[str, Any]:
    """`mltriad check --format sarif` of a git repository whose policy is in FOLDER and
    whose model card is copied to ODD_CARD (its id then differs from its file name)."""
    shutil.copytree(EXAMPLE_REPO, root / FOLDER)
    shutil.copy(root / FOLDER / CARD, root / FOLDER / ODD_CARD)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Cards in a folder with a space")
    result = invoke(["-C", str(root / FOLDER), "check", "--format", "sarif"])
    assert result.exit_code == 1, result.output
    log: dict[str, Any] = json.loads(result.output)
    return log


def gate_log(root: Path) -> dict[str, Any]:
    """`mltriad gate --format sarif` of a change that adds a card at ODD_CARD, unsigned."""
    team = Team(root)
    team.branch()
    shutil.copy(team.path / CARD, team.path / ODD_CARD)
    team.commit("Add a second card")
    result = invoke(["gate", "--base", "main", "--format", "sarif"], cwd=team.path)
    assert result.exit_code == 1, result.output
    log: dict[str, Any] = json.loads(result.output)
    return log


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    with private_home(tmp_path_factory):
        return {
            "check": check_log(tmp_path_factory.mktemp("check")),
            "gate": gate_log(tmp_path_factory.mktemp("gate") / "repo"),
        }


def test_check_log_is_valid_and_its_uris_are_percent_encoded(
    logs: dict[str, dict[str, Any]],
) -> None:
    log = logs["check"]
    assert schema_errors(log) == []
    encoded = "ml%20team%2C%20%C3%BC/" + ENCODED_CARD
    assert encoded in uris(log)
    assert unquote(encoded) == f"{FOLDER}/{ODD_CARD}"
    assert f"ml%20team%2C%20%C3%BC/{CARD}" in uris(log)  # a plain path keeps its slashes
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"MT204", "MT205"}


def test_gate_log_is_valid_and_its_uris_are_percent_encoded(
    logs: dict[str, dict[str, Any]],
) -> None:
    log = logs["gate"]
    assert schema_errors(log) == []
    results = log["runs"][0]["results"]
    unsigned = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        if r["ruleId"] == "MT401"
    }
    assert unsigned == {ENCODED_CARD}


def test_a_raw_path_would_fail_the_schema(logs: dict[str, dict[str, Any]]) -> None:
    """The schema test has teeth: the path as it is, unencoded, is not a URI reference."""
    log = json.loads(json.dumps(logs["gate"]))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    location["artifactLocation"]["uri"] = ODD_CARD
    assert any("uri-reference" in e for e in schema_errors(log))


def test_rule_names_are_pascal_case_identifiers(logs: dict[str, dict[str, Any]]) -> None:
    rules = logs["check"]["runs"][0]["tool"]["driver"]["rules"]
    names = {r["id"]: r["name"] for r in rules}
    assert names["MT101"] == "MissingProperty" and names["MT506"] == "ModelCardToolkit"
    assert [n for n in names.values() if not PASCAL.match(n)] == []
    assert len(set(names.values())) == len(names)


def multitool() -> str:
    found = shutil.which("sarif-multitool")
    if found is None:
        pytest.skip(
            "Microsoft's SARIF validator is not installed: `npm install "
            "@microsoft/sarif-multitool` and put node_modules/.bin on PATH (.ci/run does)"
        )
    return found


@pytest.mark.slow
def test_microsoft_validator_reports_no_error_and_no_warning(
    logs: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    tool = multitool()
    # With a raw path in it, the same log is an error SARIF1002: the validator has teeth.
    broken = json.loads(json.dumps(logs["gate"]))
    location = broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    location["artifactLocation"]["uri"] = ODD_CARD
    for name, log in {**logs, "broken": broken}.items():
        (tmp_path / f"{name}.sarif").write_text(json.dumps(log, indent=2), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    inputs = [str(tmp_path / f"{name}.sarif") for name in ("check", "gate", "broken")]
    # Its exit code is 0 whatever it finds: its own SARIF log says what it found.
    proc = subprocess.run(
        [tool, "validate", *inputs, "--output", str(out), "--log", "ForceOverwrite"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.exists(), proc.stdout + proc.stderr
    found: dict[str, set[str]] = {"check": set(), "gate": set(), "broken": set()}
    for result in json.loads(out.read_text(encoding="utf-8"))["runs"][0].get("results", []):
        # Notes (no code snippets, help URIs not reachable offline, ...) are advice.
        if result.get("level", "warning") in ("error", "warning"):
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            found[uri.rsplit("/", 1)[-1].removesuffix(".sarif")].add(result["ruleId"])
    assert found == {"check": set(), "gate": set(), "broken": {"SARIF1002"}}
