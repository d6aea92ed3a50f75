"""The pre-commit hooks, run by the real pre-commit against temporary repositories.

pre-commit installs a hook repository from a git commit, so the session builds one from this
checkout's files as they are now (committed or not). Installed environments are shared
through PRE_COMMIT_HOME (see conftest.py); `try-repo` always builds its own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from mltriad.artifacts import Repository
from mltriad.policy import read_policy
from mltriad.snapshot import WorkTree
from tests.helpers import (
    EXAMPLE_REPO,
    ROOT,
    break_card,
    commit_all,
    git,
    make_repo,
    mltriad_exe,
    run,
)

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
CARD = "model-cards/fraud-detector.md"
# Nothing the hooks do may need the network: point every proxy at a closed port.
OFFLINE = {
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "no_proxy": "",
    "NO_PROXY": "",
}
# What `git ls-files` cannot tell when the checkout is not a git repository (an sdist).
_NOT_SHIPPED = shutil.ignore_patterns(
    ".git",
    ".ci",
    ".venv",
    "__pycache__",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "build",
    "dist",
    "site",
    "test-artifacts",
)


@dataclass(frozen=True)
class HookRepo:
    path: Path
    rev: str


def hook(hook_id: str) -> dict[str, Any]:
    hooks: list[dict[str, Any]] = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    return next(h for h in hooks if h["id"] == hook_id)


def _clean_git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="Test Runner",
        GIT_AUTHOR_EMAIL="runner@example.org",
        GIT_COMMITTER_NAME="Test Runner",
        GIT_COMMITTER_EMAIL="runner@example.org",
    )
    return env


def _checkout_files(env: dict[str, str]) -> list[str] | None:
    """This checkout's files, tracked or not, without what .gitignore leaves out."""
    listed = subprocess.run(
        [
            "git",
            "-c",
            "safe.directory=*",
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        return None
    return [p for p in listed.stdout.decode().split("\0") if p and (ROOT / p).is_file()]


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    """This checkout as a hook repository: its current files in one commit."""
    path = tmp_path_factory.mktemp("hook-repo") / "mltriad"
    env = _clean_git_env()
    files = _checkout_files(env)
    if files is None:
        shutil.copytree(ROOT, path, ignore=_NOT_SHIPPED)
    else:
        for rel in files:
            (path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, path / rel)
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "hook repository"],
    ):
        subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=path, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return HookRepo(path, rev)


def pre_commit(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real pre-commit, as the same Python that runs the tests; output merged."""
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )


def offline_git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real git command that runs the installed hooks (offline); output and errors as one."""
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **OFFLINE},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )


def commit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real `git commit`, which runs the installed hook (offline)."""
    return offline_git(cwd, "commit", "-m", "change", *args)


BROKEN_CARD_FINDING = re.compile(
    r"model-cards/fraud-detector\.md:\d+:\d+: error MT1\d\d: status is 'shipped'"
)


def write_config(repo: Path, hooks: HookRepo, *hook_ids: str) -> None:
    config = {
        "repos": [
            {"repo": str(hooks.path), "rev": hooks.rev, "hooks": [{"id": h} for h in hook_ids]}
        ]
    }
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


# The manifest -------------------------------------------------------------------------


def test_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    result = pre_commit("validate-manifest", str(HOOKS_FILE), cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_gate_hook_runs_once_before_a_push_whatever_changed() -> None:
    gate = hook("mltriad-gate")
    assert gate["stages"] == ["pre-push"]
    assert gate["pass_filenames"] is False
    assert gate["always_run"] is True
    assert gate["entry"].split()[:2] == ["mltriad", "gate"]


def test_check_hook_runs_on_commits_not_on_pushes() -> None:
    assert hook("mltriad-check")["stages"] == ["pre-commit", "pre-merge-commit", "manual"]


CHECK_MUST_MATCH = [
    "triad.yaml",
    "model-cards/fraud-detector.md",
    "model-cards/README.md",
    "decisions/0001-use-logistic-regression.md",
    "decisions/0012-retire-the-rules-engine.md",
    "eval-sets/fraud-holdout.yaml",
    "signoffs/model-cards/fraud-detector.md/product-manager.yaml",
    "signoffs/eval-sets/fraud-holdout.yaml/domain-expert.yaml",
    "signoffs/triad.yaml/ml-engineer.yaml",
]
CHECK_MUST_NOT_MATCH = [
    "README.md",
    ".pre-commit-config.yaml",
    ".github/workflows/mltriad.yml",
    "mkdocs.yml",
    "triad.yml",
    "triad.yaml.orig",
    "docs/triad.yaml",
    "nested/triad.yaml",
    "model-cards/fraud-detector.txt",
    "model-cards/fraud-detector.md.orig",
    "model-cards/archive/old-card.md",
    "docs/model-cards/fraud-detector.md",
    "xmodel-cards/fraud-detector.md",
    "decisions/0001-use-logistic-regression.markdown",
    "decisions/adr/0001-use-logistic-regression.md",
    "eval-sets/fraud-holdout.yml",
    "eval-sets/fraud-holdout.csv",
    "eval-sets/data/cases.yaml",
    "signoffs/README.md",
    "signoffs/model-cards/fraud-detector.md/product-manager.yml",
    "signoffs-old/fraud-detector.product-manager.yaml",
]


@pytest.mark.parametrize("path", CHECK_MUST_MATCH)
def test_check_hook_runs_on_governed_files(path: str) -> None:
    # pre-commit selects a file when `re.search(files, path)` finds a match.
    assert re.search(hook("mltriad-check")["files"], path)


@pytest.mark.parametrize("path", CHECK_MUST_NOT_MATCH)
def test_check_hook_skips_other_files(path: str) -> None:
    assert not re.search(hook("mltriad-check")["files"], path)


def test_check_hook_pattern_covers_what_the_default_policy_governs() -> None:
    snapshot = WorkTree(EXAMPLE_REPO)  # its triad.yaml keeps the default layout
    policy, _ = read_policy(snapshot)
    governed = Repository(snapshot, policy)
    pattern = hook("mltriad-check")["files"]
    for path in CHECK_MUST_MATCH + CHECK_MUST_NOT_MATCH:
        if governed.kind_of(path) is not None:
            assert re.search(pattern, path), f"{path} is governed but the hook skips it"


# try-repo ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_try_repo_passes_a_valid_repository(hook_repo: HookRepo, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    git(repo, "add", "-A")
    result = pre_commit(
        "try-repo",
        str(hook_repo.path),
        "mltriad-check",
        "--ref",
        hook_repo.rev,
        "--all-files",
        cwd=repo,
    )
    assert result.returncode == 0, result.stdout
    assert re.search(r"mltriad check\.+Passed", result.stdout)


@pytest.mark.slow
def test_try_repo_fails_an_invalid_model_card_and_shows_the_finding(
    hook_repo: HookRepo, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    break_card(repo)
    git(repo, "add", "-A")
    result = pre_commit(
        "try-repo",
        str(hook_repo.path),
        "mltriad-check",
        "--ref",
        hook_repo.rev,
        "--all-files",
        cwd=repo,
    )
    assert result.returncode == 1, result.stdout
    assert re.search(r"mltriad check\.+Failed", result.stdout)
    assert BROKEN_CARD_FINDING.search(result.stdout), result.stdout


# An installed hook on a real `git commit` ------------------------------------------------


@pytest.fixture
def hooked_repo(hook_repo: HookRepo, tmp_path: Path) -> Path:
    """A repository with no commits yet, the example staged and the hook installed."""
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    write_config(repo, hook_repo, "mltriad-check")
    installed = pre_commit("install", "--install-hooks", cwd=repo)
    assert installed.returncode == 0, installed.stdout
    git(repo, "add", "-A")
    return repo


@pytest.mark.slow
def test_first_commit_of_a_broken_model_card_is_refused(hooked_repo: Path) -> None:
    break_card(hooked_repo)
    git(hooked_repo, "add", CARD)

    refused = commit(hooked_repo)

    assert refused.returncode != 0
    assert re.search(r"mltriad check\.+Failed", refused.stdout), refused.stdout
    assert BROKEN_CARD_FINDING.search(refused.stdout), refused.stdout
    no_head = subprocess.run(
        ["git", "rev-parse", "--verify", "-q", "HEAD"],
        cwd=hooked_repo,
        capture_output=True,
        check=False,
    )
    assert no_head.returncode != 0, "the broken card was committed"


@pytest.mark.slow
def test_first_commit_of_valid_artifacts_goes_through(hooked_repo: Path) -> None:
    accepted = commit(hooked_repo)
    assert accepted.returncode == 0, accepted.stdout
    assert re.search(r"mltriad check\.+Passed", accepted.stdout)
    assert git(hooked_repo, "ls-files", CARD).strip() == CARD


@pytest.mark.slow
def test_partial_commit_with_its_own_index_file_is_checked(hooked_repo: Path) -> None:
    # `git commit PATH` hands the hook a temporary GIT_INDEX_FILE.
    commit_all(hooked_repo, "valid artifacts")
    break_card(hooked_repo)
    (hooked_repo / "notes.txt").write_text("not part of this commit\n", encoding="utf-8")

    refused = commit(hooked_repo, "--", CARD)

    assert refused.returncode != 0
    assert BROKEN_CARD_FINDING.search(refused.stdout), refused.stdout
    assert git(hooked_repo, "rev-list", "--count", "HEAD").strip() == "1"


@pytest.mark.slow
def test_check_hook_skips_a_commit_that_touches_no_artifact(hooked_repo: Path) -> None:
    commit_all(hooked_repo, "valid artifacts")
    (hooked_repo / "README.md").write_text("# Fraud models\n", encoding="utf-8")
    git(hooked_repo, "add", "README.md")

    result = commit(hooked_repo)

    assert result.returncode == 0, result.stdout
    assert re.search(r"mltriad check\.+\(no files to check\)Skipped", result.stdout)


# The configuration `mltriad init` writes ---------------------------------------------------


@pytest.mark.slow
def test_the_config_init_writes_runs_these_hooks(hook_repo: HookRepo, tmp_path: Path) -> None:
    done = run(["init", "--example", "demo"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    repo = tmp_path / "demo"
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [entry] = [r for r in config["repos"] if r["repo"].endswith("/mltriad")]
    assert {h["id"] for h in entry["hooks"]} == {"mltriad-check", "mltriad-gate"}
    entry.update(repo=str(hook_repo.path), rev=hook_repo.rev)  # this checkout, not a release
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(repo, "add", "-A")

    assert pre_commit("validate-config", cwd=repo).returncode == 0
    assert pre_commit("install-hooks", cwd=repo).returncode == 0  # online, once
    result = pre_commit("run", "--all-files", cwd=repo, env=OFFLINE)

    assert result.returncode == 0, result.stdout
    assert re.search(r"mltriad check\.+Passed", result.stdout)
    assert "mltriad gate" not in result.stdout, "the gate belongs to pre-push only"


# The gate before a push -----------------------------------------------------------------------

SIGNERS = {
    "ml-engineer": ("Ada Lovelace", "ada@example.org"),
    "product-manager": ("Grace Hopper", "grace@example.org"),
    "domain-expert": ("Katherine Johnson", "katherine@example.org"),
}


@pytest.fixture
def laptop(hook_repo: HookRepo, tmp_path: Path) -> Path:
    """A clone of a shared repository, both hooks installed, on a new branch that
    edits the model card."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", origin.name)
    seed = make_repo(tmp_path / "seed", EXAMPLE_REPO, commit=False)
    write_config(seed, hook_repo, "mltriad-check", "mltriad-gate")
    config = yaml.safe_load((seed / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    config["default_install_hook_types"] = ["pre-commit", "pre-push"]
    (seed / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    commit_all(seed, "Add the artifacts and the hooks")
    git(seed, "push", "-q", origin.as_uri(), "main")
    clone = tmp_path / "laptop"
    git(tmp_path, "clone", "-q", origin.as_uri(), clone.name)
    installed = pre_commit("install", "--install-hooks", cwd=clone)
    assert installed.returncode == 0, installed.stdout
    git(clone, "checkout", "-q", "-b", "new-version")
    card = clone / CARD
    card.write_text(
        card.read_text(encoding="utf-8").replace("version: 2.1.0", "version: 2.2.0"),
        encoding="utf-8",
    )
    assert commit(clone, "-a").returncode == 0
    return clone


def push(clone: Path, ref: str = "new-version") -> subprocess.CompletedProcess[str]:
    return offline_git(clone, "push", "origin", ref)


@pytest.mark.slow
def test_push_of_an_unsigned_change_is_refused_by_the_gate(laptop: Path) -> None:
    refused = push(laptop)

    assert refused.returncode != 0
    assert re.search(r"mltriad gate\.+Failed", refused.stdout), refused.stdout
    assert "mltriad check" not in refused.stdout, "the check runs on commits, not pushes"
    for role in SIGNERS:
        assert re.search(rf"{re.escape(CARD)}:\d+:\d+: error MT4\d\d: .*{role}", refused.stdout)
    remote = git(laptop, "ls-remote", "origin", "refs/heads/new-version")
    assert remote == "", "the branch reached the remote"


@pytest.mark.slow
def test_push_of_a_signed_change_goes_through(laptop: Path) -> None:
    for role, (name, email) in SIGNERS.items():
        signed = run(
            ["signoff", CARD, "--role", role, "--name", name, "--email", email], cwd=laptop
        )
        assert signed.returncode == 0, signed.stdout + signed.stderr
        commit_all(laptop, f"Sign off as {role}", author=(name, email))

    accepted = push(laptop)

    assert accepted.returncode == 0, accepted.stdout
    assert re.search(r"mltriad gate\.+Passed", accepted.stdout)
    assert git(laptop, "ls-remote", "origin", "refs/heads/new-version").strip()


@pytest.mark.slow
def test_a_first_push_of_another_branch_gates_that_branch(
    hook_repo: HookRepo, tmp_path: Path
) -> None:
    """The first push to an empty remote includes the root commit, so pre-commit sets no
    PRE_COMMIT_TO_REF: `git push origin main` from a feature branch gates main, not the
    branch that is checked out."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", origin.name)
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    write_config(repo, hook_repo, "mltriad-check", "mltriad-gate")
    commit_all(repo, "Add the artifacts and the hooks")
    git(repo, "remote", "add", "origin", origin.as_uri())
    installed = pre_commit("install", "--install-hooks", "--hook-type", "pre-push", cwd=repo)
    assert installed.returncode == 0, installed.stdout
    git(repo, "checkout", "-q", "-b", "unsigned")
    card = repo / CARD
    card.write_text(card.read_text(encoding="utf-8") + "\nUnsigned.\n", encoding="utf-8")
    commit_all(repo, "An unsigned edit")

    first = push(repo, "main")
    assert first.returncode == 0, first.stdout
    assert git(repo, "ls-remote", "origin", "refs/heads/main").strip()
    git(repo, "fetch", "-q", "origin")
    refused = push(repo, "unsigned")
    assert refused.returncode != 0
    assert re.search(rf"{re.escape(CARD)}:\d+:\d+: error MT401", refused.stdout), refused.stdout


def _sign_all(repo: Path) -> None:
    for role, (name, email) in SIGNERS.items():
        signed = run(["signoff", CARD, "--role", role, "--name", name, "--email", email], cwd=repo)
        assert signed.returncode == 0, signed.stdout + signed.stderr
        commit_all(repo, f"Sign off as {role}", author=(name, email))


def _edit_card(repo: Path, line: str) -> None:
    card = repo / CARD
    card.write_text(card.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    commit_all(repo, line)


def _on_remote(repo: Path, branch: str) -> str:
    return git(repo, "ls-remote", "origin", f"refs/heads/{branch}").split("\t")[0].strip()


@pytest.mark.slow
def test_each_push_gates_the_ref_it_pushes_not_the_checked_out_branch(
    hook_repo: HookRepo, tmp_path: Path
) -> None:
    """Through real `git push` and pre-commit's installed pre-push hook: first pushes (the
    root commit included, so pre-commit sets no to-ref) and later ones, of the checked-out
    branch and of another, blocked and passing."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", origin.name)
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    write_config(repo, hook_repo, "mltriad-check", "mltriad-gate")
    commit_all(repo, "Add the artifacts and the hooks")
    git(repo, "remote", "add", "origin", origin.as_uri())
    installed = pre_commit("install", "--install-hooks", "--hook-type", "pre-push", cwd=repo)
    assert installed.returncode == 0, installed.stdout
    git(repo, "checkout", "-q", "-b", "feature")
    _edit_card(repo, "An unsigned edit.")

    # First push, the checked-out branch, blocked: compared with main, not with itself.
    refused = push(repo, "feature")
    assert refused.returncode != 0
    assert re.search(rf"{re.escape(CARD)}:\d+:\d+: error MT401", refused.stdout), refused.stdout
    assert _on_remote(repo, "feature") == ""
    # First push, another branch, passing although the checked-out one is blocked.
    first = push(repo, "main")
    assert first.returncode == 0, first.stdout
    assert _on_remote(repo, "main") == git(repo, "rev-parse", "main").strip()
    git(repo, "fetch", "-q", "origin")

    _sign_all(repo)
    git(repo, "branch", "signed")  # every role signed this version
    _edit_card(repo, "Edited after the sign-offs.")  # the checked-out branch: stale again

    # Later push, another branch, passing: `signed` is gated, not the stale HEAD.
    passed = push(repo, "signed")
    assert passed.returncode == 0, passed.stdout
    assert re.search(r"mltriad gate\.+Passed", passed.stdout)
    assert _on_remote(repo, "signed") == git(repo, "rev-parse", "signed").strip()
    # Later push, the checked-out branch, blocked: its sign-offs are stale.
    refused = push(repo, "feature")
    assert refused.returncode != 0
    assert re.search(rf"signoffs/{re.escape(CARD)}/[-a-z]+\.yaml:1:1: error MT402", refused.stdout)
    assert _on_remote(repo, "feature") == ""
    # Later push, another branch, blocked, from a branch that would pass.
    git(repo, "checkout", "-q", "signed")
    refused = push(repo, "feature")
    assert refused.returncode != 0 and "MT402" in refused.stdout, refused.stdout
    assert _on_remote(repo, "feature") == ""

    # A ref the remote already has is compared with the remote's commit of it: the push
    # judges the commits it adds. Here `feature` reached the remote without the hook; a
    # later push that adds a notes file only is not blocked by what is already there,
    # and one that edits the card again is.
    git(repo, "checkout", "-q", "feature")
    skipped = offline_git(repo, "push", "--no-verify", "origin", "feature")
    assert skipped.returncode == 0, skipped.stdout
    git(repo, "fetch", "-q", "origin")
    (repo / "NOTES.md").write_text("Notes, not an artifact.\n", encoding="utf-8")
    commit_all(repo, "Only notes")
    passed = push(repo, "feature")
    assert passed.returncode == 0, passed.stdout
    assert _on_remote(repo, "feature") == git(repo, "rev-parse", "feature").strip()
    git(repo, "fetch", "-q", "origin")
    _edit_card(repo, "Yet another unsigned edit.")
    refused = push(repo, "feature")
    assert refused.returncode != 0 and "MT402" in refused.stdout, refused.stdout
    assert _on_remote(repo, "feature") != git(repo, "rev-parse", "feature").strip()


def test_init_hooks_local_runs_offline_with_the_installed_mltriad(tmp_path: Path) -> None:
    """`mltriad init --hooks local`: nothing to download, the installed mltriad runs."""
    done = run(["init", "--example", "--hooks", "local", "demo"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    repo = tmp_path / "demo"
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [entry] = config["repos"]
    assert entry["repo"] == "local"
    assert [(h["id"], h["language"], h["entry"]) for h in entry["hooks"]] == [
        ("mltriad-check", "system", "mltriad check"),
        ("mltriad-gate", "system", "mltriad gate"),
    ]
    manifest = {h["id"]: h for h in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}
    for hook in entry["hooks"]:  # the same hooks as the manifest offers, run locally
        assert {k: v for k, v in hook.items() if k != "language"} == {
            k: v for k, v in manifest[hook["id"]].items() if k != "language"
        }
    assert pre_commit("validate-config", cwd=repo).returncode == 0
    git(repo, "add", "-A")
    env = {**OFFLINE, "PATH": f"{Path(mltriad_exe()).parent}{os.pathsep}{os.environ['PATH']}"}
    result = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert result.returncode == 0, result.stdout
    assert re.search(r"mltriad check\.+Passed", result.stdout)
    break_card(repo)
    git(repo, "add", "-A")
    result = pre_commit("run", "--all-files", cwd=repo, env=env)
    assert result.returncode == 1 and BROKEN_CARD_FINDING.search(result.stdout), result.stdout
