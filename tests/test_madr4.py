"""MADR 4 as MADR writes it: MADR's own records and templates at 4.0.0 (tests/data/madr-4.0.0,
see its SOURCES.md) through the real `mltriad check`, statuses in any letter case and
MADR's open list, the team's own statuses from triad.yaml, the keys triad.yaml requires,
and a template's empty or {placeholder} values read as "fill in", not as type errors."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from mltriad.commands.init import init
from mltriad.site.collect import collect
from mltriad.site.pages import render_pages
from mltriad.site.urls import SiteMap
from tests.helpers import EXAMPLE_REPO, TESTS, invoke, make_repo, replace_text, run

MADR = TESTS / "data" / "madr-4.0.0"
RECORDS = sorted(p.name for p in (MADR / "docs" / "decisions").glob("00*.md"))
TRIAD_KEYS = {"driver", "approvers"}
MADR_KEYS = {"status", "date", "decision-makers"}

RECORD = """\
---
status: {status}
date: 2026-03-01
decision-makers: [Ada Lovelace, Grace Hopper]
driver: ml-engineer
approvers: [ml-engineer, product-manager]
---

# Use a review threshold of 0.8

## Context and Problem Statement

The review queue has capacity for 2% of payments.

## Considered Options

* 0.7
* 0.8

## Decision Outcome

Chosen option: 0.8, because it fits the queue.
"""


def madr_copy(into: Path) -> Path:
    target = into / "madr"
    shutil.copytree(MADR, target)
    return target


def findings(output: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(output)["findings"]
    return found


def lacking(found: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Per file, the keys MT502 says it lacks ('the record has no date' -> date)."""
    names = {"status": "status", "date": "date", "decision-makers": "decision-makers"}
    names |= {"driver": "driver", "approvers": "approvers"}
    keys: dict[str, set[str]] = defaultdict(set)
    for item in found:
        match = re.match(r"the record (?:has|names) no ([a-z-]+)", item["message"])
        assert match is not None, item["message"]
        keys[item["path"]].add(names[match.group(1)])
    return keys


def set_policy(repo: Path, block: str) -> None:
    """Add a top-level block (such as `decisions:`) to the repository's triad.yaml."""
    policy = repo / "triad.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + block, encoding="utf-8")


def check_json(repo: Path, *paths: str) -> tuple[int, list[dict[str, Any]]]:
    result = invoke(["check", *paths, "--format", "json"], cwd=repo)
    return result.exit_code, findings(result.output)


# --- MADR's own records and templates ------------------------------------------------------


@pytest.mark.slow
def test_madr_4_records_check_clean_but_for_the_keys_the_default_policy_requires(
    tmp_path: Path,
) -> None:
    folder = madr_copy(tmp_path)
    proc = run(["check", "docs/decisions", "template", "--format", "json"], cwd=folder)
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    found = findings(proc.stdout)
    # Templates, the index and the README are not records; every record is checked.
    document = json.loads(proc.stdout)
    assert document["summary"]["files"] == len(RECORDS) + 1 == 20
    assert {f["rule"] for f in found} == {"MT502"}
    assert all(
        "the default policy requires it (there is no triad.yaml" in f["message"] for f in found
    )
    keys = lacking(found)
    assert set(keys) == {f"docs/decisions/{name}" for name in RECORDS} | {
        "template/0000-use-markdown-architectural-decision-records.md"
    }
    for path, missing in keys.items():
        # 0003 says `status: on hold`: MADR's own status, read as proposed, not an error.
        expected = TRIAD_KEYS | MADR_KEYS - ({"status"} if "0003-" in path else set())
        assert missing == expected, path
    status = [f for f in found if f["message"].startswith("the record has no status")]
    assert "MADR makes it optional, but the default policy requires it" in status[0]["message"]


def madr_in_a_new_repository(tmp_path: Path) -> Path:
    """`mltriad init` (no records of its own), with MADR's folders in madr/."""
    repo = tmp_path / "repo"
    init(repo)
    shutil.copytree(MADR, repo / "madr")
    return repo


def test_madr_4_records_and_templates_are_clean_when_triad_yaml_requires_none_of_it(
    tmp_path: Path,
) -> None:
    repo = madr_in_a_new_repository(tmp_path)
    replace_text(
        repo,
        "triad.yaml",
        "required_fields: [status, date, decision-makers, driver, approvers]",
        "required_fields: []",
    )
    code, found = check_json(repo, "madr/docs/decisions", "madr/template")
    assert (code, found) == (0, [])


def test_the_triads_own_keys_are_named_with_the_line_of_triad_yaml_that_requires_them(
    tmp_path: Path,
) -> None:
    repo = madr_in_a_new_repository(tmp_path)
    replace_text(
        repo,
        "triad.yaml",
        "required_fields: [status, date, decision-makers, driver, approvers]",
        "required_fields: [driver, approvers]",
    )
    line = (
        (repo / "triad.yaml")
        .read_text(encoding="utf-8")
        .splitlines()
        .index("  required_fields: [driver, approvers]")
    )
    code, found = check_json(repo, "madr/docs/decisions", "madr/template")
    assert code == 1
    keys = lacking(found)
    assert len(keys) == 20 and all(missing == TRIAD_KEYS for missing in keys.values())
    assert all(
        f"triad.yaml requires it (decisions.required_fields, line {line + 1})" in f["message"]
        for f in found
    )


def test_a_record_made_from_the_bare_template_reads_empty_values_as_fill_in(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    shutil.copy(MADR / "template" / "adr-template-bare.md", repo / "decisions" / "0003-bare.md")
    code, found = check_json(repo, "decisions/0003-bare.md")
    assert code == 1
    rules = {f["rule"] for f in found}
    assert not rules & {"MT103", "MT104", "MT105"}  # no type errors for `date:` and the like
    empty = {f["message"].split("`")[1]: f for f in found if "is empty: fill it in" in f["message"]}
    assert set(empty) == MADR_KEYS  # consulted and informed are optional: empty is fine
    assert empty["date"]["line"] == 3 and empty["date"]["rule"] == "MT502"
    assert (
        "triad.yaml requires it by default (decisions.required_fields is not set)"
        in (empty["date"]["message"])
    )


def test_a_record_made_from_the_full_template_reports_its_placeholders(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    shutil.copy(MADR / "template" / "adr-template.md", repo / "decisions" / "0003-full.md")
    set_policy(repo, "decisions:\n  required_fields: [date, driver, approvers]\n")
    code, found = check_json(repo, "decisions/0003-full.md")
    assert code == 1
    assert not {f["rule"] for f in found} & {"MT103", "MT104", "MT105"}
    left = {f["line"]: f["message"] for f in found if f["rule"] == "MT601"}
    assert set(left) == {3, 4, 5, 6, 7}  # status, date, decision-makers, consulted, informed
    assert left[4] == (
        "`date` still holds the template's placeholder ('{YYYY-MM-DD when the decision was "
        "last updated}'): fill it in; triad.yaml requires it (decisions.required_fields, "
        f"line {len((EXAMPLE_REPO / 'triad.yaml').read_text().splitlines()) + 2})"
    )
    assert left[5].endswith(", or delete the key (it is optional)")


def test_a_record_in_mltriads_format_names_the_policy_for_a_missing_or_empty_key(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    record = repo / "decisions" / "0003-review-threshold.md"
    text = RECORD.format(status="accepted").replace("date: 2026-03-01", "date:")
    record.write_text(text.replace("decision-makers: [Ada Lovelace, Grace Hopper]\n", ""))
    code, found = check_json(repo, "decisions/0003-review-threshold.md")
    assert code == 1
    assert [(f["rule"], f["line"], f["message"].split(":")[0]) for f in found] == [
        ("MT101", 2, "missing required field 'decision-makers'"),
        ("MT101", 3, "`date` is empty"),
    ]
    assert all("(decisions.required_fields is not set)" in f["message"] for f in found)
    set_policy(repo, "decisions:\n  required_fields: [status, driver, approvers]\n")
    assert check_json(repo, "decisions/0003-review-threshold.md") == (0, [])


# --- Statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    ["Accepted", "PROPOSED", "on hold", "On Hold", "superseded by ADR-0002", "Deprecated"],
)
def test_madr_statuses_in_any_letter_case(tmp_path: Path, status: str) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    (repo / "decisions" / "0003-review-threshold.md").write_text(
        RECORD.format(status=status), encoding="utf-8"
    )
    if status.startswith("superseded"):
        replace_text(
            repo, "decisions/0002-use-gradient-boosting.md", "supersedes: [1]", "supersedes: [1, 3]"
        )
    code, found = check_json(repo, "decisions")
    assert (code, found) == (0, [])


def test_a_status_neither_madr_nor_triad_yaml_defines_names_where_to_declare_it(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    record = repo / "decisions" / "0003-review-threshold.md"
    record.write_text(RECORD.format(status="In Review"), encoding="utf-8")
    code, [finding] = check_json(repo, "decisions/0003-review-threshold.md")
    assert (code, finding["rule"], finding["line"], finding["column"]) == (1, "MT104", 2, 9)
    assert finding["message"] == (
        "status is 'In Review' (did you mean 'proposed'?), which is not a status MADR or "
        "triad.yaml defines; use one of: proposed, accepted, rejected, deprecated, on hold, "
        "'superseded by NNNN' (in any letter case), or declare it under decisions.statuses "
        "in triad.yaml with the lifecycle state it counts as"
    )
    set_policy(repo, "decisions:\n  statuses:\n    in review: proposed\n    Parked: deprecated\n")
    assert check_json(repo, "decisions/0003-review-threshold.md") == (0, [])
    record.write_text(RECORD.format(status="PARKED"), encoding="utf-8")
    assert check_json(repo, "decisions/0003-review-threshold.md") == (0, [])


def test_triad_yaml_may_not_redefine_a_madr_status_or_declare_one_twice(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    set_policy(
        repo,
        "decisions:\n  statuses:\n    Accepted: rejected\n    In review: proposed\n"
        "    in  REVIEW: proposed\n",
    )
    code, found = check_json(repo)
    assert code == 1
    messages = {(f["path"], f["rule"], f["message"]) for f in found}
    assert messages == {
        (
            "triad.yaml",
            "MT104",
            "decisions.statuses declares 'Accepted', which is already a status (it counts as "
            "accepted); remove it there",
        ),
        (
            "triad.yaml",
            "MT104",
            "decisions.statuses declares 'in  REVIEW' and 'In review', which are one status "
            "(statuses are compared without letter case); keep one of them",
        ),
    }


def test_a_status_must_count_as_a_state_of_the_lifecycle(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    set_policy(repo, "decisions:\n  statuses:\n    parked: shelved\n")
    result = invoke(["check"], cwd=repo)
    assert result.exit_code == 2
    assert "triad.yaml" in result.output and "shelved" in result.output
    assert "proposed, accepted, rejected, deprecated" in result.output


def test_the_site_counts_each_status_as_its_lifecycle_state(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    set_policy(repo, "decisions:\n  statuses:\n    in review: proposed\n")
    for number, status in ((3, "on hold"), (4, "In review")):
        path = repo / "decisions" / f"000{number}-threshold-{number}.md"
        path.write_text(RECORD.format(status=status), encoding="utf-8")
    pages = {
        src: page.fill(page.markdown)
        for src, page in render_pages(collect(repo), SiteMap(), "ML triad").items()
    }
    log = pages["triad/decisions/index.md"]
    rows = re.findall(r'<tr data-status="(\w+)">', log)
    assert rows == ["superseded", "accepted", "proposed", "proposed"]
    assert 'aria-pressed="false">Proposed 2</button>' in log
    assert ">On hold</span>" in log and ">In review</span>" in log
    assert "1 accepted, 2 proposed" in pages["triad/index.md"]


# --- adopt ---------------------------------------------------------------------------------


def test_adopt_keeps_madrs_statuses_and_the_teams_own(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    set_policy(repo, "decisions:\n  statuses:\n    in review: proposed\n")
    legacy = repo / "adr"
    legacy.mkdir()
    shutil.copy(MADR / "docs" / "decisions" / "0003-provide-own-madr-tools.md", legacy)
    (legacy / "0004-use-helm.md").write_text(
        "# 4. Use Helm\n\nDate: 2021-08-16\n\n## Status\n\nOn hold\n\n## Context\n\nX\n",
        encoding="utf-8",
    )
    (legacy / "0005-use-kustomize.md").write_text(
        "---\nstatus: IN REVIEW\n---\n# Use Kustomize\n\n## Context and Problem Statement\n\n"
        "X\n\n## Considered Options\n\n* Kustomize\n\n## Decision Outcome\n\nKustomize.\n",
        encoding="utf-8",
    )
    result = invoke(["adopt", "adr"], cwd=repo)
    assert result.exit_code == 0, result.output
    text = (legacy / "0003-provide-own-madr-tools.md").read_text(encoding="utf-8")
    assert "\nstatus: on hold\n" in text
    assert "\nstatus: on hold\n" in (legacy / "0004-use-helm.md").read_text(encoding="utf-8")
    kustomize = (legacy / "0005-use-kustomize.md").read_text(encoding="utf-8")
    assert "\nstatus: in review  # was: IN REVIEW\n" in kustomize
    check = invoke(["check", "adr", "--format", "json"], cwd=repo)
    assert {f["rule"] for f in findings(check.output)} <= {"MT601", "MT211"}


def test_adopt_writes_placeholders_only_for_the_keys_triad_yaml_requires(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    set_policy(repo, "decisions:\n  required_fields: [status, driver, approvers]\n")
    record = repo / "adr" / "0004-use-helm.md"
    record.parent.mkdir()
    record.write_text("# 4. Use Helm\n\n## Status\n\nAccepted\n\n## Context\n\nX\n", "utf-8")
    result = invoke(["adopt", "adr"], cwd=repo)
    assert result.exit_code == 0, result.output
    text = record.read_text(encoding="utf-8")
    assert "\nstatus: accepted\n" in text and "driver:" in text and "approvers:" in text
    assert "date:" not in text and "decision-makers:" not in text
