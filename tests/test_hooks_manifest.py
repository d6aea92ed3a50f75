""".pre-commit-hooks.yaml and the default pattern of hooks/pre-commit are generated from the
default artifact globs (`python hooks/generate_manifest.py`): these tests fail when the
committed files drift from what the globs imply."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mltriad.artifacts import Repository
from mltriad.commands import hooks as githooks
from mltriad.policy import DEFAULT_PATHS, read_policy
from mltriad.snapshot import WorkTree
from tests.helpers import EXAMPLE_REPO, ROOT

GENERATOR = ROOT / "hooks" / "generate_manifest.py"
MATCH = [
    "triad.yaml",
    "model-cards/fraud-detector.md",
    "model-cards/README.md",
    "decisions/0001-use-logistic-regression.md",
    "eval-sets/fraud-holdout.yaml",
    "signoffs/model-cards/fraud-detector.md/product-manager.yaml",
    "signoffs/triad.yaml/ml-engineer.yaml",
]
NO_MATCH = [
    "README.md",
    "docs/triad.yaml",
    "triad.yaml.orig",
    "model-cards/sub/x.md",
    "model-cards/x.txt",
    "xmodel-cards/x.md",
    "decisions/x.txt",
    "decisions/adr/0001-x.md",
    "eval-sets/x.yml",
    "eval-sets/data/cases.yaml",
    "signoffs/README.md",
    "signoffs-old/x.yaml",
]


def manifest() -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = yaml.safe_load(
        (ROOT / githooks.MANIFEST_PATH).read_text(encoding="utf-8")
    )
    return loaded


def check_files_pattern() -> str:
    [entry] = [h for h in manifest() if h["id"] == "mltriad-check"]
    assert isinstance(entry["files"], str)
    return entry["files"]


@pytest.mark.parametrize("rel", [githooks.MANIFEST_PATH, githooks.PRE_COMMIT_SCRIPT_PATH])
def test_committed_file_is_what_the_generator_writes(rel: str) -> None:
    generated = githooks.generated_files(ROOT)[rel]
    committed = (ROOT / rel).read_text(encoding="utf-8")
    assert committed == generated, f"{rel} is stale: run python hooks/generate_manifest.py"


def test_the_hook_ids_are_kept() -> None:
    assert [h["id"] for h in manifest()] == ["mltriad-check", "mltriad-gate"]


def test_the_manifest_pattern_is_the_default_globs_and_the_scripts_default() -> None:
    pattern = check_files_pattern()
    assert pattern == githooks.files_regex(DEFAULT_PATHS)
    script = (ROOT / githooks.PRE_COMMIT_SCRIPT_PATH).read_text(encoding="utf-8")
    assert f"\ndefault_files='{pattern}'\n" in script


@pytest.mark.parametrize("path", MATCH)
def test_the_pattern_selects_governed_files(path: str) -> None:
    assert re.search(check_files_pattern(), path)


@pytest.mark.parametrize("path", NO_MATCH)
def test_the_pattern_skips_other_files(path: str) -> None:
    assert not re.search(check_files_pattern(), path)


def test_the_pattern_agrees_with_what_the_default_policy_governs() -> None:
    snapshot = WorkTree(EXAMPLE_REPO)  # its triad.yaml keeps the default layout
    policy, _ = read_policy(snapshot)
    governed = Repository(snapshot, policy)
    pattern = re.compile(check_files_pattern())
    for path in MATCH + NO_MATCH:
        if path.startswith("signoffs/"):
            continue  # records are found by their folder, not by kind_of
        assert bool(pattern.search(path)) == (governed.kind_of(path) is not None), path


@pytest.mark.skipif(shutil.which("grep") is None, reason="no grep")
def test_grep_reads_the_pattern_as_python_does() -> None:
    # The git hook filters the staged paths with `grep -E`; pre-commit uses Python's re.
    paths = MATCH + NO_MATCH
    for pattern in (
        check_files_pattern(),
        githooks.files_regex({**DEFAULT_PATHS, "model-cards": "ml/**/cards/*.md"}),
        githooks.files_regex({**DEFAULT_PATHS, "eval-sets": "eval sets/[a-z]?*.yaml"}),
    ):
        found = subprocess.run(
            ["grep", "-E", "-e", pattern],
            input="\n".join(paths) + "\n",
            capture_output=True,
            text=True,
            check=False,
        )
        assert found.returncode in (0, 1), found.stderr
        assert found.stdout.splitlines() == [p for p in paths if re.search(pattern, p)]


def test_moved_globs_give_their_own_pattern() -> None:
    pattern = githooks.files_regex(
        {**DEFAULT_PATHS, "model-cards": "ml/**/cards/*.md", "signoffs": "reviews/"}
    )
    assert pattern.startswith(r"^(triad\.yaml|ml/(.*/)?cards/[^/]*\.md|")
    assert re.search(pattern, "ml/fraud/v2/cards/x.md")
    assert re.search(pattern, "reviews/model-cards/x.md/ml-engineer.yaml")
    assert not re.search(pattern, "model-cards/x.md")


def test_the_generator_script_checks_and_rewrites(tmp_path: Path) -> None:
    (tmp_path / "hooks").mkdir()
    shutil.copy2(GENERATOR, tmp_path / "hooks")
    shutil.copy2(ROOT / githooks.PRE_COMMIT_SCRIPT_PATH, tmp_path / "hooks")
    stale = (ROOT / githooks.MANIFEST_PATH).read_text(encoding="utf-8")
    (tmp_path / githooks.MANIFEST_PATH).write_text(stale.replace("[^/]*", ".*"), "utf-8")
    script = [sys.executable, str(tmp_path / "hooks" / "generate_manifest.py")]

    checked = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)

    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "+++ .pre-commit-hooks.yaml (generated)" in checked.stdout
    written = subprocess.run(script, capture_output=True, text=True, check=False)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / githooks.MANIFEST_PATH).read_text(encoding="utf-8") == stale
    again = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stdout
