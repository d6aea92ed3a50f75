"""What GitLab shows in a merge request: the Code Quality report (`--format gitlab`) of
`check` and `gate`, the sign-offs as a JUnit test report (`gate --format junit`, read back
with junitparser, a real consumer of the format), and `--output FILE`.

GitLab's Code Quality report is a JSON array of Code Climate issues; GitLab needs each
issue's description, check_name, fingerprint, severity, location.path (relative to the
repository root) and location.lines.begin. `CODE_QUALITY` below is that shape as a schema.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from mltriad.findings import Finding, Severity
from mltriad.report.junit import render as render_junit
from mltriad.report.model import Report, ReportCase
from tests.helpers import CARD, EXAMPLE_REPO, break_card, commit_all, git, make_repo, run
from tests.helpers.gitlab import merge_request_variables
from tests.helpers.signing import Team, change_card

CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "type": {"const": "issue"},
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "pattern": "^MT[0-9]{3}$"},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "categories": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/]"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def code_quality(stdout: str) -> list[dict[str, Any]]:
    """The report, which must be the whole of stdout and nothing but JSON."""
    issues: list[dict[str, Any]] = json.loads(stdout)
    jsonschema.validate(issues, CODE_QUALITY)
    return issues


# -- check ----------------------------------------------------------------------------------
def test_check_code_quality_is_pure_json_with_the_text_on_stderr(repo: Path) -> None:
    break_card(repo)
    done = run(["check", "--format", "gitlab"], cwd=repo)
    assert done.returncode == 1
    [issue] = code_quality(done.stdout)
    assert issue["check_name"] == "MT104" and issue["severity"] == "blocker"
    assert issue["location"] == {"path": CARD, "lines": {"begin": 5}}
    assert issue["description"].startswith("MT104: status is 'shipped'")
    assert f"{CARD}:5:9: error MT104:" in done.stderr  # the job log
    assert done.stderr.splitlines()[-1].startswith("1 error in ")


def test_fingerprints_are_stable_across_runs_and_edits_above(repo: Path) -> None:
    break_card(repo)
    first = code_quality(run(["check", "--format", "gitlab"], cwd=repo).stdout)
    assert first == code_quality(run(["check", "--format", "gitlab"], cwd=repo).stdout)
    text = (repo / CARD).read_text(encoding="utf-8")
    (repo / CARD).write_text(text.replace("---\n", "---\n# a comment\n", 1), encoding="utf-8")
    moved = code_quality(run(["check", "--format", "gitlab"], cwd=repo).stdout)
    assert moved[0]["location"]["lines"]["begin"] == first[0]["location"]["lines"]["begin"] + 1
    assert moved[0]["fingerprint"] == first[0]["fingerprint"]


def test_a_clean_check_is_an_empty_report(repo: Path) -> None:
    done = run(["check", "--format", "gitlab"], cwd=repo)
    assert done.returncode == 0 and code_quality(done.stdout) == []


def test_paths_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    shutil.copytree(EXAMPLE_REPO, mono / "ml")
    git(mono, "init", "-q", "-b", "main")
    break_card(mono / "ml")
    commit_all(mono, "A monorepo")
    [issue] = code_quality(run(["-C", "ml", "check", "--format", "gitlab"], cwd=mono).stdout)
    assert issue["location"]["path"] == f"ml/{CARD}"


# -- gate -----------------------------------------------------------------------------------
def test_gate_code_quality_and_the_signoff_table_in_the_job_log(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    env = merge_request_variables(team.path, merged_results=True)
    done = run(["gate", "--format", "gitlab"], cwd=team.path, env=env)
    assert done.returncode == 1, done.stderr
    issues = code_quality(done.stdout)
    assert [i["check_name"] for i in issues] == ["MT401", "MT401"]
    assert {i["categories"][0] for i in issues} == {"Security"}
    assert len({i["fingerprint"] for i in issues}) == 2
    assert "| Artifact | Change | ml-engineer | product-manager | domain-expert |" in done.stderr
    assert "❌ missing; may sign: Grace Hopper" in done.stderr
    assert "Merge BLOCKED." in done.stderr
    assert "GitLab merged results pipeline of !1" in done.stderr


def junit(path: Path) -> JUnitXml:
    return JUnitXml.fromfile(str(path))


def test_junit_lists_one_case_per_artifact_and_role(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_and_commit(CARD, "ml-engineer")
    report = tmp_path / "gate.junit.xml"
    env = merge_request_variables(team.path)
    done = run(["gate", "--format", "junit", "--output", str(report)], cwd=team.path, env=env)
    assert done.returncode == 1 and done.stdout == "", done.stderr
    xml = junit(report)
    [suite] = list(xml)
    cases = {case.name: case for case in suite}
    assert set(cases) == {
        f"{CARD}: ml-engineer sign-off",
        f"{CARD}: product-manager sign-off",
        f"{CARD}: domain-expert sign-off",
    }
    assert cases[f"{CARD}: ml-engineer sign-off"].is_passed
    pending = cases[f"{CARD}: product-manager sign-off"]
    [failure] = pending.result
    assert isinstance(failure, Failure) and failure.type == "MT401"
    assert failure.message == "missing; may sign: Grace Hopper"
    assert f"mltriad signoff {CARD} --role product-manager" in (failure.text or "")
    assert pending.classname == CARD
    assert (suite.tests, suite.failures, suite.errors) == (3, 2, 0)
    assert "CI_MERGE_REQUEST_DIFF_BASE_SHA" in report.read_text(encoding="utf-8")  # the notes


def test_junit_marks_a_stale_sign_off_as_failed_and_passes_when_all_sign(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    report = tmp_path / "gate.junit.xml"
    assert (
        run(
            ["gate", "--base", "main", "--format", "junit", "-o", str(report)], team.path
        ).returncode
        == 0
    )
    assert all(case.is_passed for suite in junit(report) for case in suite)
    team.edit(CARD, "\nEdited after signing.\n")
    team.commit("Edit after signing", who="ada")
    done = run(["gate", "--base", "main", "--format", "junit", "-o", str(report)], team.path)
    assert done.returncode == 1
    failures = [case.result[0] for suite in junit(report) for case in suite]
    assert len(failures) == 3 and all(f.message.startswith("stale: ") for f in failures)


def test_junit_with_nothing_to_sign_has_one_passing_case(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    team.edit("notes.md", "not governed\n")
    team.commit("Notes", who="ada")
    report = tmp_path / "gate.junit.xml"
    assert (
        run(
            ["gate", "--base", "main", "--format", "junit", "-o", str(report)], team.path
        ).returncode
        == 0
    )
    [[case]] = [list(suite) for suite in junit(report)]
    assert case.name == "no governed artifact changed" and case.is_passed


def test_junit_stays_valid_xml_whatever_the_values() -> None:
    """Names from files and git may hold control characters or bytes that are not UTF-8
    (decoded as lone surrogates): XML 1.0 allows neither, even escaped."""
    hostile = "ev\x1bil\udcff\x00\ufffe.md"
    report = Report(
        "gate",
        [Finding("MT401", Severity.ERROR, hostile, 1, 1, "needs <sign-off> & \x07more")],
        1,
        notes=["a note\nwith a break"],
        cases=[
            ReportCase(f"{hostile}: ml-engineer sign-off", hostile, hostile, "missing", "x\x01")
        ],
    )
    from io import StringIO

    out = StringIO()
    render_junit(report, out)
    [suite] = list(JUnitXml.fromstring(out.getvalue().split("\n", 1)[1].encode("utf-8")))
    [case] = list(suite)
    assert case.name == "ev\\x1bil\\udcff\\x00\\ufffe.md: ml-engineer sign-off"


# -- --output ---------------------------------------------------------------------------------
def test_output_writes_the_report_and_nothing_when_the_gate_cannot_decide(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    target = tmp_path / "report.json"
    done = run(["check", "--format", "gitlab", "--output", str(target)], cwd=repo)
    assert done.returncode == 0 and done.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == []
    missing = tmp_path / "gate.xml"
    done = run(["gate", "--base", "nowhere", "--format", "junit", "-o", str(missing)], cwd=repo)
    assert done.returncode == 2 and not missing.exists()


@pytest.mark.parametrize("fmt", ["gitlab", "junit"])
def test_the_formats_are_offered_where_they_belong(repo: Path, fmt: str) -> None:
    from mltriad.report import FORMATS

    assert fmt in FORMATS["gate"]
    assert ("junit" in FORMATS["check"]) is False
    assert "gitlab" in FORMATS["check"]
