"""The issue's acceptance run, from a clean virtual environment with the built wheel installed:
`init --example demo`, `check`, `git status`, `init` again, and `new` for each kind; and
the example's glossary refusing a metric it does not define."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EXAMPLE_STALE, author_env, git
from tests.helpers.wheel import build_wheel, clean_env

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=600, env=clean_env(), check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `mltriad` script of a fresh virtual environment holding only the wheel and its
    dependencies."""
    work = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(work)
    made = _run([sys.executable, "-m", "venv", str(work / "venv")], work)
    assert made.returncode == 0, made.stderr
    bin_dir = work / "venv" / ("Scripts" if os.name == "nt" else "bin")
    done = _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], work)
    if done.returncode != 0:
        pytest.skip(f"cannot install the wheel's dependencies here: {done.stderr[-500:]}")
    where = _run([str(bin_dir / "python"), "-c", "import mltriad; print(mltriad.__file__)"], work)
    assert Path(where.stdout.strip()).is_relative_to(work / "venv"), where.stdout
    return bin_dir / "mltriad"


def test_init_example_check_status_rerun_and_new(installed: Path, tmp_path: Path) -> None:
    mltriad = str(installed)
    done = _run([mltriad, "init", "--example", "demo"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    demo = tmp_path / "demo"

    checked = _run([mltriad, "-C", "demo", "check"], tmp_path)
    assert checked.returncode == 0, checked.stdout
    # The example's one note: a sign-off of an earlier draft of the card (it shows a stale one).
    assert checked.stdout.splitlines()[-1] == "0 errors, 1 note in 1 of 13 files checked."

    status = git(demo, "status", "--porcelain", "--untracked-files=all")
    shown = {line[3:] for line in status.splitlines()}
    assert {
        "triad.yaml",
        ".github/workflows/mltriad.yml",
        ".pre-commit-config.yaml",
        "model-cards/fraud-detector.md",
        "kinds/experiment-plan.schema.json",
        "experiment-plans/fraud-detector-shadow-launch.md",
        "problem-framings/card-fraud.md",
    } <= shown
    # The example's history, committed by init, holds the evaluation set as it is today.
    assert "eval-sets/fraud-holdout.yaml" in git(demo, "ls-tree", "-r", "--name-only", "HEAD")

    again = _run([mltriad, "init", "--example", "demo"], tmp_path)
    assert again.returncode == 0 and again.stdout.startswith("Nothing to do")
    assert git(demo, "status", "--porcelain", "--untracked-files=all") == status

    for kind, name in (
        ("model-card", "churn"),
        ("decision", "retrain"),
        ("eval-set", "churn-holdout"),
        ("glossary", "churn-terms"),
        ("experiment-plan", "churn-launch"),
    ):
        made = _run([mltriad, "-C", "demo", "new", kind, name], tmp_path)
        assert made.returncode == 0, made.stdout + made.stderr
    report = _run([mltriad, "-C", "demo", "check", "--format", "json"], tmp_path)
    assert report.returncode == 1
    findings = [f for f in json.loads(report.stdout)["findings"] if f["path"] != EXAMPLE_STALE]
    assert {f["path"] for f in findings} == {
        "model-cards/churn.md",
        "decisions/0003-retrain.md",
        "eval-sets/churn-holdout.yaml",
        "glossary/churn-terms.md",
        "experiment-plans/churn-launch.md",
    }
    assert {f["rule"] for f in findings} == {"MT601", "MT602"}


def test_an_undefined_metric_fails_check_with_a_suggestion(installed: Path, tmp_path: Path) -> None:
    mltriad = str(installed)
    done = _run([mltriad, "init", "--example", "demo"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    card = tmp_path / "demo" / "model-cards" / "fraud-detector.md"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("  - metric: precision\n", "  - metric: precison\n", 1), "utf-8")
    line = text.splitlines().index("  - metric: precision") + 1
    checked = _run([mltriad, "-C", "demo", "check"], tmp_path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert (
        f"model-cards/fraud-detector.md:{line}:13: error MT701: targets[1] names the metric "
        "'precison', which the glossary (glossary.yaml) does not define; did you mean "
        "'precision'?"
    ) in checked.stdout.splitlines()


PLAN = "experiment-plans/fraud-detector-shadow-launch.md"
PLAN_SCHEMA = "kinds/experiment-plan.schema.json"
SIGNERS = {
    "ml-engineer": ("Ada Lovelace", "ada@example.org"),
    "product-manager": ("Grace Hopper", "grace@example.org"),
    "domain-expert": ("Katherine Johnson", "katherine@example.org"),
}


def test_team_kinds_check_and_gate(installed: Path, tmp_path: Path) -> None:
    """The example's experiment plan without its stopping rule fails `check` at a line; a
    branch that drops the field from the kind's schema is blocked until every role signs."""
    mltriad = str(installed)
    assert _run([mltriad, "init", "--example", "demo"], tmp_path).returncode == 0
    demo = tmp_path / "demo"
    assert git(demo, "branch", "--show-current").strip() == "main"  # the example's history
    git(demo, "add", "-A")
    git(demo, "commit", "-q", "-m", "the example", env=author_env(*SIGNERS["ml-engineer"]))
    git(demo, "checkout", "-q", "-b", "loosen")
    plan = (demo / PLAN).read_text(encoding="utf-8")
    (demo / PLAN).write_text(re.sub(r"stopping_rule: >-\n(  .*\n)+", "", plan), "utf-8")

    checked = _run([mltriad, "-C", "demo", "check", PLAN], tmp_path)
    assert checked.returncode == 1
    assert f"{PLAN}:2:1: error MT101: missing required field 'stopping_rule'" in checked.stdout

    schema = json.loads((demo / PLAN_SCHEMA).read_text(encoding="utf-8"))
    schema["required"].remove("stopping_rule")
    (demo / PLAN_SCHEMA).write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    assert _run([mltriad, "-C", "demo", "check", PLAN], tmp_path).returncode == 0
    git(demo, "commit", "-qam", "no stopping rule", env=author_env(*SIGNERS["ml-engineer"]))

    def gate() -> subprocess.CompletedProcess[str]:
        return _run([mltriad, "-C", "demo", "gate", "--base", "main"], tmp_path)

    def sign(path: str, role: str) -> None:
        name, email = SIGNERS[role]
        done = _run(
            [mltriad, "-C", "demo", "signoff", path, "--role", role, "--email", email], tmp_path
        )
        assert done.returncode == 0, done.stdout + done.stderr
        git(demo, "add", "-A")
        git(demo, "commit", "-q", "-m", f"sign {path}", env=author_env(name, email))

    blocked = gate()
    assert blocked.returncode == 1, blocked.stdout
    assert f"{PLAN_SCHEMA}:1:1: error MT401" in blocked.stdout
    for role in ("ml-engineer", "product-manager"):
        sign(PLAN, role)
        sign(PLAN_SCHEMA, role)
    still = gate()
    assert still.returncode == 1
    assert "the domain-expert sign-off of the change to the policy is missing" in still.stdout
    sign(PLAN_SCHEMA, "domain-expert")
    passed = gate()
    assert passed.returncode == 0, passed.stdout
