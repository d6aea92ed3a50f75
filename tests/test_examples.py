"""Data-driven: every example file in tests/examples gives exactly the findings listed in
tests/examples/expected.yaml (rule id and line), inside a copy of the valid example repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mltriad.commands.check import check
from tests.helpers import EXAMPLE_REPO

EXAMPLES = Path(__file__).parent / "examples"
FOLDER = {"model-card": "model-cards", "decision": "decisions", "eval-set": "eval-sets"}
EXPECTED: dict[str, list[list[object]]] = yaml.safe_load(
    (EXAMPLES / "expected.yaml").read_text(encoding="utf-8")
)


def example_files(validity: str) -> list[str]:
    return sorted(
        p.relative_to(EXAMPLES).as_posix()
        for kind in FOLDER
        for p in (EXAMPLES / kind / validity).iterdir()
    )


def findings_for(example: str, tmp_path: Path) -> set[tuple[str, int]]:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE_REPO, repo)
    kind = example.split("/")[0]
    target = repo / FOLDER[kind] / Path(example).name
    shutil.copy(EXAMPLES / example, target)
    result = check(repo, [str(target)])
    return {(f.rule, f.line) for f in result.findings}


@pytest.mark.parametrize("example", example_files("valid"))
def test_valid_example_has_no_findings(example: str, tmp_path: Path) -> None:
    assert findings_for(example, tmp_path) == set()


@pytest.mark.parametrize("example", example_files("invalid"))
def test_invalid_example_gives_its_rule_at_its_line(example: str, tmp_path: Path) -> None:
    expected = {(str(rule), int(str(line))) for rule, line in EXPECTED[example]}
    assert findings_for(example, tmp_path) == expected


def test_every_invalid_example_has_expectations() -> None:
    assert set(example_files("invalid")) == set(EXPECTED)


def test_log4brains_dated_file_names_need_no_number(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE_REPO, repo)
    source = EXAMPLES / "decision" / "valid" / "0101-review-threshold.md"
    target = repo / "decisions" / "20260301-review-threshold.md"
    shutil.copy(source, target)
    assert check(repo, [str(target)]).findings == []


def test_a_readme_card_is_named_by_its_folder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE_REPO, repo)
    policy = repo / "triad.yaml"
    policy.write_text(policy.read_text().replace("model-cards/*.md", "models/*/README.md"))
    folder = repo / "models" / "minimal"
    folder.mkdir(parents=True)
    shutil.copy(EXAMPLES / "model-card" / "valid" / "minimal.md", folder / "README.md")
    assert check(repo, [str(folder / "README.md")]).findings == []
    text = (folder / "README.md").read_text().replace("id: minimal", "id: other")
    (folder / "README.md").write_text(text)
    (finding,) = check(repo, [str(folder / "README.md")]).findings
    assert finding.rule == "MT204" and "folder name 'minimal'" in finding.message
