"""The GitHub workflow `mltriad init` writes: the contract, GitHub's schema and zizmor."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mltriad import __version__
from mltriad.commands.init import init
from tests.helpers import tool

WORKFLOW = ".github/workflows/mltriad.yml"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workflow") / "demo"
    init(root, example=True)
    return root


@pytest.fixture(scope="module")
def workflow(repo: Path) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((repo / WORKFLOW).read_text(encoding="utf-8"))
    return loaded


def test_runs_on_pull_requests_and_in_the_merge_queue(workflow: dict[Any, Any]) -> None:
    assert set(workflow[True]) == {"pull_request", "merge_group"}  # YAML 1.1 reads `on` as true


def test_permissions_are_read_only(workflow: dict[Any, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_the_job_has_a_name_to_require_in_branch_protection(workflow: dict[Any, Any]) -> None:
    assert list(workflow["jobs"]) == ["mltriad-gate"]
    assert workflow["jobs"]["mltriad-gate"]["name"] == "mltriad-gate"


def test_checkout_is_pinned_with_full_history_and_no_credentials(workflow: dict[Any, Any]) -> None:
    steps = workflow["jobs"]["mltriad-gate"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses)
    [checkout] = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}


def test_runs_check_then_gate_of_the_pinned_version(workflow: dict[Any, Any]) -> None:
    job = workflow["jobs"]["mltriad-gate"]
    assert job["env"] == {"MLTRIAD_VERSION": __version__}
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert '"mltriad==$MLTRIAD_VERSION"' in runs[0] and "venv" in runs[0]
    assert runs[1].split()[-1] == "check" and runs[2].split()[-1] == "gate"
    assert all("${{" not in run for run in runs)  # inputs reach scripts through env only


def test_github_workflow_schema_accepts_it(repo: Path) -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", WORKFLOW],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("persona", ["regular", "auditor"])
def test_zizmor_finds_nothing(repo: Path, persona: str) -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", persona, WORKFLOW],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout
