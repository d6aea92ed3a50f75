"""Test helpers: real git repositories in temporary folders, the CLI in and out of process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from mltriad.cli import cli

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
EXAMPLE_REPO = TESTS / "data" / "repo"
CORPUS = ROOT.parent / "shared" / "corpus"


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in `cwd` and return its stdout; raises on failure."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_DIR")}
    if env:
        full_env.update(env)
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=full_env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def author_env(name: str, email: str) -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def commit_all(cwd: Path, message: str, *, author: tuple[str, str] | None = None) -> str:
    git(cwd, "add", "-A")
    env = author_env(*author) if author else None
    git(cwd, "commit", "-q", "--allow-empty", "-m", message, env=env)
    return git(cwd, "rev-parse", "HEAD").strip()


def make_repo(path: Path, source: Path | None = EXAMPLE_REPO, *, commit: bool = True) -> Path:
    """A new git repository at `path`, with `source` copied in and committed on main."""
    if source is not None:
        shutil.copytree(source, path)
    else:
        path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    if commit:
        commit_all(path, "initial artifacts")
    return path


def invoke(args: list[str], cwd: Path | None = None) -> Result:
    """The CLI through Click's runner, exceptions not swallowed."""
    runner = CliRunner()
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return runner.invoke(cli, args, catch_exceptions=False)
    finally:
        os.chdir(old)


def mltriad_exe() -> str:
    """The installed `mltriad` console script (beside this interpreter)."""
    candidate = Path(sys.executable).parent / "mltriad"
    return str(candidate) if candidate.exists() else (shutil.which("mltriad") or "mltriad")


def run(
    args: list[str], cwd: Path, *, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed entry point in a real subprocess."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [mltriad_exe(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=input,
        env=full_env,
        timeout=300,
        check=False,
    )
