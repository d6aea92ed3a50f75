"""`mltriad init --ci gitlab`: the pipeline it writes (GitLab's schema, the contract of the
job), what it protects, and that it never overwrites a .gitlab-ci.yml; `--ci github`, the
default, is as before."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mltriad import __version__, cli
from mltriad.commands.init import CI_SERVICES, init
from mltriad.errors import MltriadError
from tests.helpers import invoke, tool
from tests.helpers.gitlab import JOB_FILE

PIPELINE = ".gitlab-ci.yml"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gitlab") / "demo"
    init(root, example=True, ci="gitlab")
    return root


@pytest.fixture(scope="module")
def job(repo: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((repo / JOB_FILE).read_text(encoding="utf-8"))
    assert list(loaded) == ["mltriad-gate"]
    return loaded["mltriad-gate"]


def test_writes_the_pipeline_and_not_the_github_workflow(repo: Path) -> None:
    assert (repo / PIPELINE).is_file() and (repo / JOB_FILE).is_file()
    assert not (repo / ".github").exists()
    pipeline = yaml.safe_load((repo / PIPELINE).read_text(encoding="utf-8"))
    assert pipeline["include"] == [{"local": JOB_FILE}]


def test_runs_in_merge_request_pipelines_only_with_full_history(job: dict[str, Any]) -> None:
    # Plain merge request pipelines, merged results pipelines and merge trains all have
    # this source.
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert "allow_failure" not in job  # a failing gate must fail the pipeline


def test_installs_the_released_version_from_a_variable(job: dict[str, Any]) -> None:
    assert job["variables"]["MLTRIAD_PACKAGE"] == f"mltriad=={__version__}"
    script = "\n".join(job["script"])
    assert '-m pip install --quiet --disable-pip-version-check "$MLTRIAD_PACKAGE"' in script
    assert "venv" in script


def test_runs_check_and_gate_and_declares_their_reports(job: dict[str, Any]) -> None:
    script = "\n".join(job["script"])
    assert "check --format gitlab --output mltriad-check.codequality.json" in script
    assert "gate --format gitlab --output mltriad-gate.codequality.json" in script
    assert "gate --format junit --output mltriad-gate.junit.xml" in script
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"] == {
        "codequality": ["mltriad-check.codequality.json", "mltriad-gate.codequality.json"],
        "junit": "mltriad-gate.junit.xml",
    }


def test_uses_no_secrets(repo: Path) -> None:
    for name in (PIPELINE, JOB_FILE):
        data = yaml.safe_load((repo / name).read_text(encoding="utf-8"))
        keys, values = _walk(data)
        assert not keys & {"secrets", "id_tokens", "services"}, name
        assert not [v for v in values if re.search(r"TOKEN|PASSWORD|SECRET|KEY", v)], name


def _walk(node: Any) -> tuple[set[str], list[str]]:
    """Every mapping key and every string value in a YAML document."""
    if isinstance(node, dict):
        keys, values = set(map(str, node)), []
        for value in node.values():
            more_keys, more_values = _walk(value)
            keys |= more_keys
            values += more_values
        return keys, values
    if isinstance(node, list):
        keys, values = set(), []
        for item in node:
            more_keys, more_values = _walk(item)
            keys |= more_keys
            values += more_values
        return keys, values
    return set(), [str(node)]


def test_gitlab_ci_schema_accepts_it(repo: Path) -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", PIPELINE, JOB_FILE],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_commented_pages_job_is_valid_once_uncommented(repo: Path, tmp_path: Path) -> None:
    lines = (repo / PIPELINE).read_text(encoding="utf-8").splitlines()
    start = lines.index("# pages:")
    pages = "\n".join(line.removeprefix("# ") for line in lines[start:]) + "\n"
    (tmp_path / PIPELINE).write_text(pages, encoding="utf-8")
    job = yaml.safe_load(pages)["pages"]
    assert job["artifacts"]["paths"] == ["public"]
    assert "mkdocs build --strict --site-dir public" in "\n".join(job["script"])
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", PIPELINE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_codeowners_where_gitlab_reads_it_protects_the_pipeline(repo: Path) -> None:
    owned = [
        line.split()[0]
        for line in (repo / ".gitlab" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert owned == [
        "/triad.yaml",
        "/signoffs/",
        f"/{PIPELINE}",
        f"/{JOB_FILE}",
        "/.gitlab/CODEOWNERS",
    ]


def test_an_existing_root_codeowners_is_added_to(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("* @acme/ml\n", encoding="utf-8")
    init(tmp_path, ci="gitlab")
    assert not (tmp_path / ".gitlab" / "CODEOWNERS").exists()  # GitLab reads the root's first
    assert f"/{PIPELINE} @" in (tmp_path / "CODEOWNERS").read_text(encoding="utf-8")


def test_readme_explains_merge_requests_and_pipelines_must_succeed(repo: Path) -> None:
    text = (repo / "README.md").read_text(encoding="utf-8")
    assert "Open a merge request." in text and "pull request" not in text
    assert "Pipelines must succeed" in text and "merged results pipelines" in text
    assert "`.gitlab/CODEOWNERS`" in text


def test_an_existing_pipeline_is_never_overwritten_and_init_says_what_to_add(
    tmp_path: Path,
) -> None:
    ours = "stages: [build]\nbuild:\n  stage: build\n  script: [make]\n"
    (tmp_path / PIPELINE).write_text(ours, encoding="utf-8")
    for force in (False, True):
        result = init(tmp_path, ci="gitlab", force=force)
        assert (tmp_path / PIPELINE).read_text(encoding="utf-8") == ours
        [kept] = [f for f in result.files if f.path == PIPELINE]
        assert kept.action == "kept"
        assert f"include: [{{local: {JOB_FILE}}}]" in kept.note
    assert (tmp_path / JOB_FILE).is_file()
    shown = invoke(["init", "--ci", "gitlab", str(tmp_path)]).output
    assert "Left as they are, never overwritten" in shown and JOB_FILE in shown


def test_a_pipeline_that_includes_the_job_already_is_left_quietly(tmp_path: Path) -> None:
    (tmp_path / PIPELINE).write_text(f"include:\n  - local: {JOB_FILE}\n", encoding="utf-8")
    [entry] = [f for f in init(tmp_path, ci="gitlab").files if f.path == PIPELINE]
    assert entry.action == "unchanged" and "already includes" in entry.note


def test_the_next_steps_speak_of_merge_requests(tmp_path: Path) -> None:
    shown = invoke(["init", "--ci", "gitlab", str(tmp_path / "new")]).output
    assert "open a merge request: the job `mltriad-gate` runs in its pipeline" in shown


def test_github_is_the_default_and_still_works(tmp_path: Path) -> None:
    for args, folder in (([], "default"), (["--ci", "github"], "github")):
        done = invoke(["init", *args, str(tmp_path / folder)])
        assert done.exit_code == 0, done.output
        assert (tmp_path / folder / ".github" / "workflows" / "mltriad.yml").is_file()
        assert not (tmp_path / folder / PIPELINE).exists()
        readme = (tmp_path / folder / "README.md").read_text(encoding="utf-8")
        assert "Open a pull request." in readme and "`.github/CODEOWNERS`" in readme
    assert invoke(["init", "--ci", "jenkins", str(tmp_path / "x")]).exit_code == 2


def test_the_command_line_offers_every_ci_service() -> None:
    assert tuple(CI_SERVICES) == cli.CI_SERVICES
    with pytest.raises(MltriadError, match="no CI service 'jenkins'"):
        init(Path("unused"), ci="jenkins")
