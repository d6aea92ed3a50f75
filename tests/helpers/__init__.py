"""What the tests share: real git repositories in temporary folders, a home of their own,
the CLI in and out of process, the tools of the test environment, and the corpus.

Topic modules beside this one: `signing` (the example team, its SSH keys and a repository
they sign in), `github` (GitHub Actions events) and `site` (the example site and MkDocs).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mltriad.cli import cli
from mltriad.findings import Finding

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
EXAMPLE_REPO = TESTS / "data" / "repo"
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FOLDERS = (
    "adr-madr",
    "adr-madr2-log4brains",
    "adr-nygard-govuk",
    "hf-model-cards",
    "mct-json",
)

# Artifacts of the example repository (tests/data/repo).
CARD = "model-cards/fraud-detector.md"
DECISION = "decisions/0002-use-gradient-boosting.md"
EVAL_SET = "eval-sets/fraud-holdout.yaml"

# `mltriad init --example` ships sign-offs: some current, one stale (the product manager
# signed a first draft of the card), which `check` notes (MT402, info), and some missing.
EXAMPLE_SIGNOFFS = {
    "signoffs/model-cards/fraud-detector.md/ml-engineer.yaml",
    "signoffs/model-cards/fraud-detector.md/product-manager.yaml",
    "signoffs/eval-sets/fraud-holdout.yaml/product-manager.yaml",
    "signoffs/eval-sets/fraud-holdout.yaml/domain-expert.yaml",
    "signoffs/decisions/0001-use-logistic-regression.md/ml-engineer.yaml",
}
EXAMPLE_STALE = "signoffs/model-cards/fraud-detector.md/product-manager.yaml"

# Variables through which git would use another repository than the one a test made.
GIT_REDIRECTS = (
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CEILING_DIRECTORIES",
)
GIT_IDENTITY = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")


def isolate_home(patch: pytest.MonkeyPatch, home: Path) -> None:
    """Point HOME, the XDG folders and git's global config at `home`, with a git identity
    of its own, and drop the variables that would lend git another identity or repository."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test Runner\n\temail = runner@example.org\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    patch.setenv("HOME", str(home))
    patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (*GIT_IDENTITY, *GIT_REDIRECTS):
        patch.delenv(name, raising=False)


@contextmanager
def private_home(factory: pytest.TempPathFactory) -> Iterator[None]:
    """A HOME and git identity of its own, for fixtures wider than one test."""
    with pytest.MonkeyPatch.context() as patch:
        isolate_home(patch, factory.mktemp("home"))
        yield


def beyond_example(findings: list[Finding]) -> list[Finding]:
    """Findings other than the note on the example's stale sign-off."""
    return [f for f in findings if (f.path, f.rule) != (EXAMPLE_STALE, "MT402")]


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


def replace_text(repo: Path, path: str, old: str, new: str) -> None:
    """Replace the first `old` in the file at `path` of `repo`; fails if it is not there."""
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def break_card(repo: Path) -> Path:
    """Give the example model card a status the schema does not allow (MT104 on line 5)."""
    replace_text(repo, CARD, "status: candidate", "status: shipped")
    return repo / CARD


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


def tool(name: str) -> str:
    """A command-line tool of the test environment, beside this interpreter if it is there;
    the test is skipped when it is not installed at all."""
    found = shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")
    return found


def corpus_files() -> list[str]:
    """Every file of the corpus folders, as `folder/name`; none when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(
        f"{folder}/{p.name}"
        for folder in CORPUS_FOLDERS
        for p in (CORPUS / folder).iterdir()
        if p.is_file()
    )


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
