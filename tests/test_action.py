"""The composite GitHub Action (action.yml), its steps run the way GitHub's runner runs them.

GitHub's servers cannot run here, so the tests stand in for them: a bare repository plays
github.com, a merge commit is built and published as `refs/pull/N/merge` the way GitHub
builds it, the workspace is fetched the way actions/checkout fetches it, and the event
payload is a recorded shape (tests/data/github/) with this repository's commit ids. The
steps themselves run for real with bash, in order, with the runner's environment and
file commands ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY, $GITHUB_ENV, $GITHUB_PATH).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import EXAMPLE_REPO, ROOT, TESTS, author_env, commit_all, git, run, tool

ACTION = ROOT / "action.yml"
EVENTS = TESTS / "data" / "github"
CARD = "model-cards/fraud-detector.md"
GITHUB_BOT = ("GitHub", "noreply@github.com")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
COMMAND = re.compile(r"^::(error|warning|notice)(?: (.*?))?::(.*)$")


# The runner --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Annotation:
    level: str
    properties: dict[str, str]
    message: str


@dataclass
class StepRun:
    name: str
    returncode: int
    log: str


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    summary: str
    env_file: str
    path_file: str

    @property
    def failed(self) -> bool:
        return any(step.returncode != 0 for step in self.steps)

    @property
    def log(self) -> str:
        return "".join(step.log for step in self.steps)

    def annotations(self, level: str | None = None) -> list[Annotation]:
        found = []
        for line in self.log.splitlines():
            match = COMMAND.match(line)
            if match and (level is None or match[1] == level):
                props = dict(
                    _unescape(p, prop=True).split("=", 1) for p in (match[2] or "").split(",") if p
                )
                found.append(Annotation(match[1], props, _unescape(match[3])))
        return found


def _unescape(value: str, *, prop: bool = False) -> str:
    if prop:
        value = value.replace("%3A", ":").replace("%2C", ",")
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _read_file_commands(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIMITER` blocks, as in $GITHUB_OUTPUT / $GITHUB_ENV."""
    values: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for body in lines:
                if body == delimiter:
                    break
                block.append(body)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


class Runner:
    """Runs the composite action at `action_dir` as one step of a job on a Linux runner."""

    def __init__(
        self,
        action_dir: Path,
        runner_temp: Path,
        workspace: Path,
        event_name: str,
        event: Mapping[str, Any],
        sha: str,
        ref: str,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.action_dir = action_dir
        self.definition: dict[str, Any] = yaml.safe_load(
            (action_dir / "action.yml").read_text(encoding="utf-8")
        )
        self.workspace = workspace
        self.files = runner_temp / "_runner_file_commands" / uuid.uuid4().hex
        self.files.mkdir(parents=True)
        event_path = self.files / "event.json"
        event_path.write_text(json.dumps(event), encoding="utf-8")
        self.env = {
            **os.environ,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "RUNNER_OS": "Linux",
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_SHA": sha,
            "GITHUB_REF": ref,
            "GITHUB_REPOSITORY": "octo-org/fraud-models",
            "GITHUB_ACTION_PATH": str(action_dir),
            **(extra_env or {}),
        }

    def run(self, **inputs: str) -> ActionRun:
        declared = self.definition.get("inputs", {})
        unknown = set(inputs) - set(declared)
        assert not unknown, f"the action declares no input {sorted(unknown)}"
        values = {
            name: inputs.get(name, str(spec.get("default", ""))) for name, spec in declared.items()
        }
        context: dict[str, Any] = {"inputs": values, "steps": {}}
        job_env: dict[str, str] = {}
        job_path: list[str] = []
        summary: list[str] = []
        steps: list[StepRun] = []
        for index, step in enumerate(self.definition["runs"]["steps"]):
            assert "if" not in step, "conditions are not simulated; decide inside the script"
            result = self._run_step(index, step, context, job_env, job_path, summary)
            steps.append(result)
            if result.returncode != 0:
                break  # later steps are skipped, as on GitHub
        outputs = {
            name: self._evaluate(spec["value"], context)
            for name, spec in self.definition.get("outputs", {}).items()
        }
        return ActionRun(
            steps, outputs, "".join(summary), json.dumps(job_env), os.pathsep.join(job_path)
        )

    def _run_step(
        self,
        index: int,
        step: dict[str, Any],
        context: dict[str, Any],
        job_env: dict[str, str],
        job_path: list[str],
        summary: list[str],
    ) -> StepRun:
        assert step.get("shell") == "bash", f"step {index} must say `shell: bash`"
        assert not EXPRESSION.search(step["run"]), "inputs reach scripts through env: only"
        files = {
            name: self.files / f"{name}_{index}"
            for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH")
        }
        for path in files.values():
            path.touch()
        script = self.files / f"step_{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = {
            **self.env,
            **job_env,
            **{k: str(p) for k, p in files.items()},
            **{k: self._evaluate(str(v), context) for k, v in step.get("env", {}).items()},
        }
        if job_path:
            env["PATH"] = os.pathsep.join([*reversed(job_path), env["PATH"]])
        cwd = self.workspace / self._evaluate(step.get("working-directory", "."), context)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
            check=False,
        )
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": _read_file_commands(files["GITHUB_OUTPUT"])}
        job_env.update(_read_file_commands(files["GITHUB_ENV"]))
        job_path.extend(files["GITHUB_PATH"].read_text(encoding="utf-8").split())
        summary.append(files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8"))
        return StepRun(step.get("name", f"step {index}"), done.returncode, done.stdout)

    def _evaluate(self, text: str, context: dict[str, Any]) -> str:
        def value(match: re.Match[str]) -> str:
            parts = match[1].split(".")
            if parts[0] == "github" and parts[1:] == ["action_path"]:
                return str(self.action_dir)
            if parts[0] == "inputs" and len(parts) == 2:
                return str(context["inputs"][parts[1]])
            if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
                return str(context["steps"].get(parts[1], {}).get("outputs", {}).get(parts[3], ""))
            raise AssertionError(f"expression not simulated: {match[0]}")

        return EXPRESSION.sub(value, text)


# github.com, a pull request and actions/checkout ---------------------------------------------


@dataclass
class Hub:
    """A bare repository standing in for github.com, and a developer's clone of it."""

    origin: Path
    clone: Path
    pulls: int = 0

    @property
    def url(self) -> str:
        return self.origin.as_uri()

    def sha(self, rev: str) -> str:
        return git(self.clone, "rev-parse", rev).strip()


@dataclass
class PullRequest:
    number: int
    base_sha: str
    head_sha: str
    merge_sha: str
    branch: str

    @property
    def merge_ref(self) -> str:
        return f"refs/pull/{self.number}/merge"


def make_hub(tmp: Path) -> Hub:
    origin = tmp / "github.com" / "fraud-models.git"
    origin.parent.mkdir(parents=True)
    git(origin.parent, "init", "-q", "--bare", "-b", "main", origin.name)
    clone = tmp / "laptop"
    git(tmp, "clone", "-q", origin.as_uri(), clone.name)
    shutil.copytree(EXAMPLE_REPO, clone, dirs_exist_ok=True)
    commit_all(
        clone, "Add the fraud detector's artifacts", author=("Ada Lovelace", "ada@example.org")
    )
    git(clone, "push", "-q", "origin", "main")
    return Hub(origin, clone)


def open_pull_request(hub: Hub, branch: str) -> PullRequest:
    """Push `branch` and publish the merge commit GitHub builds for it: the branch merged
    into the base's tip, under refs/pull/N/merge (and the branch under refs/pull/N/head)."""
    hub.pulls += 1
    number = hub.pulls
    base, head = hub.sha("origin/main"), hub.sha(branch)
    git(hub.clone, "push", "-q", "origin", f"{branch}:refs/heads/{branch}")
    git(hub.clone, "checkout", "-q", "--detach", base)
    git(
        hub.clone,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        f"Merge {head} into {base}",
        head,
        env=author_env(*GITHUB_BOT),
    )
    merge = hub.sha("HEAD")
    git(
        hub.clone,
        "push",
        "-q",
        "origin",
        f"{merge}:refs/pull/{number}/merge",
        f"{head}:refs/pull/{number}/head",
    )
    git(hub.clone, "checkout", "-q", branch)
    return PullRequest(number, base, head, merge, branch)


def actions_checkout(hub: Hub, workspace: Path, sha: str, ref: str, *, depth: int) -> Path:
    """What actions/checkout does: fetch (all branches and tags when fetch-depth is 0, else
    only `sha` that deep) and check the commit out detached."""
    workspace.mkdir(parents=True)
    git(workspace, "init", "-q")
    git(workspace, "remote", "add", "origin", hub.url)
    local_ref = ref.replace("refs/pull/", "refs/remotes/pull/").replace(
        "refs/heads/", "refs/remotes/origin/"
    )
    if depth == 0:
        git(
            workspace,
            "fetch",
            "-q",
            "--prune",
            "--no-recurse-submodules",
            "origin",
            "+refs/heads/*:refs/remotes/origin/*",
            "+refs/tags/*:refs/tags/*",
        )
        git(workspace, "fetch", "-q", "--no-recurse-submodules", "origin", f"+{sha}:{local_ref}")
    else:
        git(
            workspace,
            "fetch",
            "-q",
            "--no-tags",
            "--prune",
            "--no-recurse-submodules",
            f"--depth={depth}",
            "origin",
            f"+{sha}:{local_ref}",
        )
    git(workspace, "checkout", "-q", "--force", local_ref)
    return workspace


def pull_request_event(pr: PullRequest) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(
        (EVENTS / "pull_request.synchronize.json").read_text(encoding="utf-8")
    )
    event["number"] = event["pull_request"]["number"] = pr.number
    event["after"] = event["pull_request"]["head"]["sha"] = pr.head_sha
    event["pull_request"]["head"]["ref"] = pr.branch
    event["pull_request"]["head"]["label"] = f"octo-org:{pr.branch}"
    event["pull_request"]["base"]["sha"] = pr.base_sha
    event["pull_request"]["merge_commit_sha"] = pr.merge_sha
    return event


# Fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One RUNNER_TEMP for the session, so the action installs mltriad into its virtual
    environment once and reuses it, as it does when a job runs the action twice."""
    return tmp_path_factory.mktemp("runner-temp")


@pytest.fixture
def hub(tmp_path: Path) -> Hub:
    return make_hub(tmp_path)


def edit_card(hub: Hub, branch: str, old: str, new: str) -> None:
    git(hub.clone, "checkout", "-q", "-b", branch, "origin/main")
    card = hub.clone / CARD
    text = card.read_text(encoding="utf-8")
    assert old in text, f"{CARD} no longer contains {old!r}"
    card.write_text(text.replace(old, new), encoding="utf-8")
    commit_all(
        hub.clone, f"Edit the model card on {branch}", author=("Ada Lovelace", "ada@example.org")
    )


def advance_main(hub: Hub) -> None:
    """A commit on main after the branch was cut, so the merge commit has two real parents."""
    git(hub.clone, "checkout", "-q", "main")
    (hub.clone / "README.md").write_text("# Fraud models\n", encoding="utf-8")
    commit_all(hub.clone, "Add a README", author=("Grace Hopper", "grace@example.org"))
    git(hub.clone, "push", "-q", "origin", "main")


def valid_pr(hub: Hub) -> PullRequest:
    edit_card(hub, "bump-version", "version: 2.1.0", "version: 2.2.0")
    return open_pull_request(hub, "bump-version")


def pull_request_runner(
    hub: Hub, pr: PullRequest, runner_temp: Path, tmp_path: Path, *, depth: int = 0
) -> Runner:
    workspace = actions_checkout(
        hub, tmp_path / "workspace", pr.merge_sha, pr.merge_ref, depth=depth
    )
    return Runner(
        ROOT,
        runner_temp,
        workspace,
        "pull_request",
        pull_request_event(pr),
        pr.merge_sha,
        pr.merge_ref,
        {"GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": pr.branch},
    )


def report_of(run: ActionRun) -> dict[str, Any]:
    assert run.outputs["report"], run.log
    data: dict[str, Any] = json.loads(Path(run.outputs["report"]).read_text(encoding="utf-8"))
    return data


# The action's definition ------------------------------------------------------------------


def test_action_matches_githubs_schema() -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_has_no_zizmor_findings() -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", "pedantic", str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_input_and_output_is_described_and_inputs_have_defaults() -> None:
    definition = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert definition["runs"]["using"] == "composite"
    assert set(definition["inputs"]) >= {
        "command",
        "base",
        "head",
        "working-directory",
        "format",
        "build-site",
    }
    assert set(definition["outputs"]) >= {"result", "blocking-findings", "report"}
    for name, spec in definition["inputs"].items():
        assert spec.get("description"), name
        assert "default" in spec, name
    for name, spec in definition["outputs"].items():
        assert spec.get("description"), name


def test_scripts_get_inputs_through_env_and_every_step_names_its_shell() -> None:
    for step in yaml.safe_load(ACTION.read_text(encoding="utf-8"))["runs"]["steps"]:
        assert step.get("shell") == "bash", step.get("name")
        assert "${{" not in step["run"], step.get("name")
        assert "uses" not in step, "the action runs nothing but its own scripts"


# Running the steps ------------------------------------------------------------------------

SIGNERS = {
    "ml-engineer": ("Ada Lovelace", "ada@example.org"),
    "product-manager": ("Grace Hopper", "grace@example.org"),
    "domain-expert": ("Katherine Johnson", "katherine@example.org"),
}


def sign_card(hub: Hub) -> None:
    """Each role signs the card on the current branch, in a commit of their own."""
    for role, (name, email) in SIGNERS.items():
        done = run(
            ["signoff", CARD, "--role", role, "--name", name, "--email", email], cwd=hub.clone
        )
        assert done.returncode == 0, done.stdout + done.stderr
        commit_all(hub.clone, f"Sign off the fraud detector as {role}", author=(name, email))


@pytest.mark.slow
def test_both_pass_a_signed_pull_request(hub: Hub, runner_temp: Path, tmp_path: Path) -> None:
    edit_card(hub, "new-version", "version: 2.1.0", "version: 2.2.0")
    sign_card(hub)
    advance_main(hub)
    pr = open_pull_request(hub, "new-version")

    action = pull_request_runner(hub, pr, runner_temp, tmp_path).run()

    assert not action.failed, action.log
    assert action.outputs["result"] == "pass"
    assert action.outputs["blocking-findings"] == "0"
    assert action.annotations("error") == []
    report = report_of(action)
    assert report["command"] == "check+gate"
    assert set(report["reports"]) == {"check", "gate"}
    assert report["reports"]["gate"]["result"] == "pass"
    assert "mltriad check" in action.summary and "merge gate" in action.summary
    assert "may go ahead" in action.log


@pytest.mark.slow
def test_both_block_a_pull_request_nobody_signed(
    hub: Hub, runner_temp: Path, tmp_path: Path
) -> None:
    edit_card(hub, "new-version", "version: 2.1.0", "version: 2.2.0")
    advance_main(hub)
    pr = open_pull_request(hub, "new-version")

    action = pull_request_runner(hub, pr, runner_temp, tmp_path).run()

    assert action.failed
    assert action.outputs["result"] == "blocked"
    assert action.outputs["blocking-findings"] == "3"  # one sign-off per required role
    on_card = [a for a in action.annotations("error") if a.properties.get("file") == CARD]
    assert len(on_card) == 3
    assert all(re.fullmatch(r"MT4\d\d", a.properties["title"]) for a in on_card)
    for role in SIGNERS:
        assert any(role in a.message for a in on_card), role
    assert any("blocked by 3 finding(s)" in a.message for a in action.annotations("error"))
    assert report_of(action)["reports"]["gate"]["result"] == "blocked"
    assert CARD in action.summary


@pytest.mark.slow
def test_gate_fails_closed_on_a_shallow_checkout(
    hub: Hub, runner_temp: Path, tmp_path: Path
) -> None:
    edit_card(hub, "new-version", "version: 2.1.0", "version: 2.2.0")
    sign_card(hub)
    pr = open_pull_request(hub, "new-version")

    action = pull_request_runner(hub, pr, runner_temp, tmp_path, depth=1).run()

    assert action.failed
    assert action.outputs["result"] == "error"
    errors = [a.message for a in action.annotations("error")]
    assert any("use `fetch-depth: 0`" in message for message in errors), errors
    assert action.steps[-1].returncode != 0
    assert report_of(action)["command"] == "check", "the check alone still reports"


@pytest.mark.slow
def test_gate_in_the_merge_queue_checks_the_queued_commit(
    hub: Hub, runner_temp: Path, tmp_path: Path
) -> None:
    edit_card(hub, "new-version", "version: 2.1.0", "version: 2.2.0")
    sign_card(hub)
    pr = open_pull_request(hub, "new-version")
    # The queue's branch holds the pull request merged onto the base it was queued on.
    queue_ref = f"refs/heads/gh-readonly-queue/main/pr-{pr.number}-{pr.base_sha}"
    git(hub.clone, "push", "-q", "origin", f"{pr.merge_sha}:{queue_ref}")
    event: dict[str, Any] = json.loads(
        (EVENTS / "merge_group.checks_requested.json").read_text(encoding="utf-8")
    )
    event["merge_group"].update(
        head_sha=pr.merge_sha, base_sha=pr.base_sha, head_ref=queue_ref, base_ref="refs/heads/main"
    )
    event["merge_group"]["head_commit"]["id"] = pr.merge_sha
    workspace = actions_checkout(hub, tmp_path / "workspace", pr.merge_sha, queue_ref, depth=0)

    action = Runner(
        ROOT, runner_temp, workspace, "merge_group", event, pr.merge_sha, queue_ref
    ).run(command="gate")

    assert not action.failed, action.log
    assert action.outputs["result"] == "pass"
    assert report_of(action)["command"] == "gate"


@pytest.mark.slow
def test_check_passes_a_valid_pull_request(hub: Hub, runner_temp: Path, tmp_path: Path) -> None:
    edit_card(hub, "bump-version", "version: 2.1.0", "version: 2.2.0")
    advance_main(hub)
    pr = open_pull_request(hub, "bump-version")

    action = pull_request_runner(hub, pr, runner_temp, tmp_path).run(command="check")

    assert not action.failed, action.log
    assert action.outputs["result"] == "pass"
    assert action.outputs["blocking-findings"] == "0"
    assert action.annotations("error") == []
    assert report_of(action)["command"] == "check"
    assert report_of(action)["result"] == "pass"
    assert "mltriad check" in action.summary
    assert Path(action.outputs["report"]).is_relative_to(runner_temp)


@pytest.mark.slow
def test_check_blocks_a_pull_request_with_a_broken_model_card(
    hub: Hub, runner_temp: Path, tmp_path: Path
) -> None:
    edit_card(hub, "ship-it", "status: candidate", "status: shipped")
    pr = open_pull_request(hub, "ship-it")

    action = pull_request_runner(hub, pr, runner_temp, tmp_path).run(command="check")

    assert action.failed
    assert action.outputs["result"] == "blocked"
    assert action.outputs["blocking-findings"] == "1"
    [finding] = [a for a in action.annotations("error") if "file" in a.properties]
    assert finding.properties["file"] == CARD
    assert re.fullmatch(r"MT1\d\d", finding.properties["title"])
    assert "shipped" in finding.message
    assert any("blocked by 1 finding(s)" in a.message for a in action.annotations("error"))
    [reported] = report_of(action)["findings"]
    assert (reported["path"], str(reported["line"])) == (CARD, finding.properties["line"])
    assert CARD in action.summary


@pytest.mark.slow
def test_a_second_run_reuses_the_environment_and_leaves_the_jobs_python_alone(
    hub: Hub, runner_temp: Path, tmp_path: Path
) -> None:
    runner = pull_request_runner(hub, valid_pr(hub), runner_temp, tmp_path)
    runner.run(command="check")

    again = runner.run(command="check", format="text")

    assert not again.failed, again.log
    assert "Reusing mltriad in " + str(runner_temp) in again.steps[0].log
    assert again.env_file == "{}" and again.path_file == "", "the job's PATH or env changed"
    assert again.annotations() == [], "the text format writes no annotations"
    assert "files checked: no findings." in again.log


@pytest.mark.slow
def test_an_unknown_command_fails_with_a_message(
    hub: Hub, runner_temp: Path, tmp_path: Path
) -> None:
    action = pull_request_runner(hub, valid_pr(hub), runner_temp, tmp_path).run(command="deploy")
    assert action.failed
    [error] = action.annotations("error")
    assert "must be check, gate or both" in error.message


@pytest.mark.slow
def test_a_missing_python_is_refused_before_anything_runs(
    hub: Hub, runner_temp: Path, tmp_path: Path
) -> None:
    action = pull_request_runner(hub, valid_pr(hub), runner_temp, tmp_path).run(
        python="python-that-does-not-exist"
    )
    assert action.failed
    assert len(action.steps) == 1
    assert "Python 3.10 or newer" in action.annotations("error")[0].message


@pytest.mark.slow
def test_build_site_builds_the_triad_site(tmp_path: Path, runner_temp: Path) -> None:
    done = run(["init", "--example", "demo"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    workspace = tmp_path / "demo"
    commit_all(workspace, "Scaffold", author=SIGNERS["ml-engineer"])
    head = git(workspace, "rev-parse", "HEAD").strip()
    event = json.loads((EVENTS / "push.json").read_text(encoding="utf-8"))
    event.update(before=head, after=head)

    action = Runner(ROOT, runner_temp, workspace, "push", event, head, "refs/heads/main").run(
        command="check", **{"build-site": "true"}
    )

    assert not action.failed, action.log
    assert (Path(action.outputs["site-dir"]) / "index.html").is_file()


# The workflows users copy -----------------------------------------------------------------


def _workflow_problems(workflow: Path, *, zizmor: bool) -> str:
    problems = ""
    commands = [
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)]
    ]
    if zizmor:
        commands.append([tool("zizmor"), "--offline", str(workflow)])
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            problems += f"{' '.join(command)}:\n{done.stdout}{done.stderr}\n"
    return problems


def test_the_workflow_in_the_guide_is_valid_and_holds_the_five_lines(tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "guides" / "github-action.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, flags=re.DOTALL)
    five_lines = blocks[0]
    assert len(five_lines.strip().splitlines()) == 5
    [workflow_text] = [b for b in blocks if b.startswith("name:")]
    assert five_lines in workflow_text
    workflow = tmp_path / "mltriad.yml"
    workflow.write_text(workflow_text, encoding="utf-8")
    assert _workflow_problems(workflow, zizmor=False) == ""
    events = yaml.safe_load(workflow_text)[True]  # YAML 1.1 reads the key `on` as true
    assert set(events) == {"pull_request", "merge_group"}


# Every workflow the docs show, as zizmor's strictest persona reads it -----------------------

# mltriad's own action is shown at its release tag: its release commit is not known when the
# docs are written, and the guide's tip says to pin it to that commit. Every other action
# must be pinned to a full commit SHA.
_DOCS_ZIZMOR_CONFIG = """\
rules:
  unpinned-uses:
    config:
      policies:
        "mltriad/mltriad": ref-pin
        "*": hash-pin
"""
# Steps shown on their own run inside the smallest workflow zizmor has nothing to say about.
_STEPS_WORKFLOW = """\
name: docs-example
on:
  pull_request:
permissions:
  contents: read
concurrency:
  group: ${{{{ github.workflow }}}}-${{{{ github.ref }}}}
  cancel-in-progress: true
jobs:
  example:
    name: example
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
{steps}"""


def _docs_workflow_blocks() -> list[tuple[str, str]]:
    """(where, workflow text) for every YAML block in README.md and docs/ with a `uses:`."""
    found = []
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for i, block in enumerate(re.findall(r"```ya?ml\n(.*?)```", text, flags=re.DOTALL)):
            if not re.search(r"^\s*(?:- )?uses: ", block, flags=re.MULTILINE):
                continue
            data = yaml.safe_load(block)
            workflow = _STEPS_WORKFLOW.format(steps=block) if isinstance(data, list) else block
            found.append((f"{page.relative_to(ROOT)} block {i + 1}", workflow))
    return found


def test_the_docs_show_workflows_with_actions_pinned_by_commit() -> None:
    blocks = _docs_workflow_blocks()
    assert len(blocks) >= 6  # README, the Action guide's four, the site guide's one
    uses = [
        line.split("uses:", 1)[1].strip()
        for _, text in blocks
        for line in text.splitlines()
        if re.match(r"^\s*(?:- )?uses: ", line)
    ]
    for ref in uses:
        if not ref.startswith("mltriad/mltriad@"):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", ref), ref


@pytest.mark.parametrize("where", [w for w, _ in _docs_workflow_blocks()])
def test_each_workflow_in_the_docs_has_no_zizmor_findings(where: str, tmp_path: Path) -> None:
    [text] = [t for w, t in _docs_workflow_blocks() if w == where]
    workflow = tmp_path / "workflow.yml"
    workflow.write_text(text, encoding="utf-8")
    config = tmp_path / "zizmor.yml"
    config.write_text(_DOCS_ZIZMOR_CONFIG, encoding="utf-8")
    done = subprocess.run(
        [
            tool("zizmor"),
            "--offline",
            "--persona",
            "pedantic",
            "--config",
            str(config),
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{where}:\n{text}\n{done.stdout}{done.stderr}"
    assert "No findings" in done.stdout
    assert _workflow_problems(workflow, zizmor=False) == ""  # GitHub's workflow schema
