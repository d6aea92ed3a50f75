"""The .gitlab-ci.yml that `mltriad init --ci gitlab` writes, run for real by gitlab-ci-local.

gitlab-ci-local (npm; `.ci/run` installs it into .ci/node) validates the pipeline against
GitLab's schema, evaluates its `rules:` and runs its jobs. The job names an image
(python:3.12) for GitLab's runners; with no Docker here, each test runs a copy of the job
without `image:`, which gitlab-ci-local runs with its shell executor. The variables are set
as GitLab sets them for the pipeline (tests/helpers/gitlab.py), in real repositories: a
merge request that is blocked, one that passes, a shallow clone, and merged results
pipelines. The job installs the wheel of this checkout (MLTRIAD_PACKAGE) from a local
folder of wheels, with no package index.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from junitparser import JUnitXml

from mltriad.commands.init import init
from tests.helpers import CARD, git
from tests.helpers.gitlab import (
    JOB_FILE,
    gitlab_ci_local,
    merge_request_variables,
    strip_images,
)
from tests.helpers.signing import Team
from tests.helpers.wheel import build_wheel, clean_env, wheelhouse

pytestmark = pytest.mark.slow

PIPELINE = ".gitlab-ci.yml"
REPORTS = ("mltriad-check.codequality.json", "mltriad-gate.codequality.json")
JUNIT = "mltriad-gate.junit.xml"


@dataclass(frozen=True)
class Package:
    wheel: Path
    house: Path


@dataclass
class Pipeline:
    returncode: int
    log: str
    folder: Path

    def report(self, name: str) -> list[dict[str, Any]]:
        issues: list[dict[str, Any]] = json.loads((self.folder / name).read_text("utf-8"))
        return issues

    def junit(self) -> JUnitXml:
        return JUnitXml.fromfile(str(self.folder / JUNIT))


@pytest.fixture(scope="module")
def runner() -> str:
    found = gitlab_ci_local()
    if found is None:
        pytest.skip(
            "gitlab-ci-local is not installed "
            "(`npm install --prefix .ci/node gitlab-ci-local@4.56`, as .ci/run does)"
        )
    if shutil.which("rsync") is None:
        pytest.skip("gitlab-ci-local needs rsync (`apt-get install rsync`)")
    return found


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    work = tmp_path_factory.mktemp("gitlab-package")
    wheel = build_wheel(work)
    return Package(wheel, wheelhouse(wheel, work / "house"))


@pytest.fixture(scope="module")
def pipeline_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `init --ci gitlab` writes, with the job's image taken out (see above)."""
    fresh = tmp_path_factory.mktemp("gitlab-init") / "fresh"
    init(fresh, ci="gitlab")
    assert strip_images(fresh / JOB_FILE) == ["mltriad-gate"]
    return fresh


def with_pipeline(team: Team, files: Path) -> None:
    """Add the pipeline to the team's main branch, as a maintainer would."""
    for name in (PIPELINE, JOB_FILE):
        (team.path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(files / name, team.path / name)
    team.commit("Run mltriad in GitLab CI", who="ada")


def run_pipeline(
    runner: str, folder: Path, variables: dict[str, str], package: Package, tmp: Path
) -> Pipeline:
    args = [runner, "--no-color", "--max-job-name-padding", "0"]
    for name, value in {
        **variables,
        "MLTRIAD_PACKAGE": str(package.wheel),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(package.house),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }.items():
        args += ["--variable", f"{name}={value}"]
    if "CI_MERGE_REQUEST_IID" in variables:
        args += ["--unset-variable", "CI_COMMIT_BRANCH"]  # GitLab sets none for a merge request
    tmp.mkdir(exist_ok=True)
    done = subprocess.run(
        args,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        env={**clean_env(), "TMPDIR": str(tmp)},
        check=False,
    )
    return Pipeline(done.returncode, done.stdout + done.stderr, folder)


def signed_merge_request(tmp_path: Path, files: Path) -> Team:
    team = Team(tmp_path / "repo")
    with_pipeline(team, files)
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    team.sign_all(CARD)
    return team


def test_a_blocked_merge_request(
    runner: str, package: Package, pipeline_files: Path, tmp_path: Path
) -> None:
    team = Team(tmp_path / "repo")
    with_pipeline(team, pipeline_files)
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    team.sign_and_commit(CARD, "ml-engineer")
    ran = run_pipeline(
        runner, team.path, merge_request_variables(team.path), package, tmp_path / "tmp"
    )
    assert ran.returncode != 0, ran.log
    assert "json schema validated" in ran.log  # against GitLab's schema
    assert "mltriad-gate" in ran.log and "FAIL" in ran.log
    assert "GitLab merge request pipeline of !1: CI_MERGE_REQUEST_DIFF_BASE_SHA" in ran.log
    assert "| Artifact | Change | ml-engineer | product-manager | domain-expert |" in ran.log
    assert ran.report(REPORTS[0]) == []
    gate = ran.report(REPORTS[1])
    assert [i["check_name"] for i in gate] == ["MT401", "MT401"]
    assert {i["location"]["path"] for i in gate} == {CARD}
    cases = {case.name: case for suite in ran.junit() for case in suite}
    assert cases[f"{CARD}: ml-engineer sign-off"].is_passed
    assert not cases[f"{CARD}: product-manager sign-off"].is_passed
    assert not cases[f"{CARD}: domain-expert sign-off"].is_passed


def test_a_passing_merge_request(
    runner: str, package: Package, pipeline_files: Path, tmp_path: Path
) -> None:
    team = signed_merge_request(tmp_path, pipeline_files)
    ran = run_pipeline(
        runner, team.path, merge_request_variables(team.path), package, tmp_path / "tmp"
    )
    assert ran.returncode == 0, ran.log
    assert "Merge allowed." in ran.log and "PASS" in ran.log
    assert ran.report(REPORTS[1]) == []
    assert all(case.is_passed for suite in ran.junit() for case in suite)


def test_a_shallow_clone_fails_closed_with_the_fix(
    runner: str, package: Package, pipeline_files: Path, tmp_path: Path
) -> None:
    team = signed_merge_request(tmp_path, pipeline_files)
    variables = merge_request_variables(team.path)
    clone = tmp_path / "clone"
    # GitLab's runner fetches GIT_DEPTH commits (20 or 50 by default; 2 here, fewer than
    # this history) of the merge request's ref.
    git(tmp_path, "init", "-q", "-b", "change", str(clone))
    git(clone, "fetch", "-q", "--depth", "2", f"file://{team.path}", variables["CI_COMMIT_SHA"])
    git(clone, "checkout", "-q", "FETCH_HEAD")
    ran = run_pipeline(runner, clone, variables, package, tmp_path / "tmp")
    assert ran.returncode != 0, ran.log
    assert "this clone is shallow" in ran.log and "GIT_DEPTH: 0" in ran.log
    assert not (clone / REPORTS[1]).exists() and not (clone / JUNIT).exists()


def test_merged_results_pipelines(
    runner: str, package: Package, pipeline_files: Path, tmp_path: Path
) -> None:
    """The merge GitLab built is what is judged: it passes while the target's moves leave
    the card as signed, and is blocked once the target changed the card too."""
    team = signed_merge_request(tmp_path, pipeline_files)
    team.git("checkout", "-q", "main")
    team.edit("notes.md", "main moved on\n")
    team.commit("main moves on", who="ada")
    variables = merge_request_variables(team.path, merged_results=True)
    ran = run_pipeline(runner, team.path, variables, package, tmp_path / "tmp")
    assert ran.returncode == 0, ran.log
    assert "GitLab merged results pipeline of !1: the merge commit's parents" in ran.log

    team.git("checkout", "-q", "main")
    text = team.read(CARD)
    (team.path / CARD).write_text(text.replace("status: candidate", "status: production"))
    team.commit("Promote the model on main", who="ada")
    variables = merge_request_variables(team.path, merged_results=True)
    ran = run_pipeline(runner, team.path, variables, package, tmp_path / "tmp")
    assert ran.returncode != 0, ran.log
    [drift] = [i for i in ran.report(REPORTS[1]) if "is not what the branch" in i["description"]]
    assert drift["location"]["path"] == CARD
    assert any(not case.is_passed for suite in ran.junit() for case in suite)
