"""The issue's acceptance run, from a clean virtual environment with the built wheel installed:
`init --example demo`, `check`, `git status`, `init` again, and `new` for each kind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import EXAMPLE_STALE, git
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
    assert checked.stdout.splitlines()[-1] == "0 errors, 1 note in 1 of 10 files checked."

    status = git(demo, "status", "--porcelain", "--untracked-files=all")
    shown = {line[3:] for line in status.splitlines()}
    assert {
        "triad.yaml",
        ".github/workflows/mltriad.yml",
        ".pre-commit-config.yaml",
        "model-cards/fraud-detector.md",
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
    }
    assert {f["rule"] for f in findings} == {"MT601", "MT602"}
