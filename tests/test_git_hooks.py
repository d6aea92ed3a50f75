"""The plain git hooks (hooks/pre-commit, hooks/pre-push) and `mltriad hooks`, on real
repositories: real `git commit`s and `git push`es to a bare remote run the installed hooks,
which run the installed `mltriad` found on PATH (or named by MLTRIAD)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mltriad.commands import hooks as githooks
from mltriad.policy import DEFAULT_PATHS
from tests.helpers import (
    CARD,
    EXAMPLE_REPO,
    ROOT,
    commit_all,
    git,
    invoke,
    make_repo,
    mltriad_exe,
    run,
)
from tests.helpers.signing import Team

BIN = Path(mltriad_exe()).parent
BROKEN = "status: shipped"
OFFLINE = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


@pytest.fixture(autouse=True)
def mltriad_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hooks look for `mltriad` on PATH: this environment's, first."""
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("MLTRIAD", raising=False)


def attempt(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """A git command that may fail (a hook refusing it): exit code and merged output."""
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **OFFLINE, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, done.stdout


def break_card(repo: Path) -> None:
    card = repo / CARD
    text = card.read_text(encoding="utf-8")
    assert "status: candidate" in text, f"the example {CARD} changed; update this test"
    card.write_text(text.replace("status: candidate", BROKEN), encoding="utf-8")


def fix_card(repo: Path) -> None:
    card = repo / CARD
    card.write_text(card.read_text(encoding="utf-8").replace(BROKEN, "status: candidate"))


def move_model_cards(policy: Path) -> None:
    text = policy.read_text(encoding="utf-8")
    assert "  model-cards: model-cards/*.md\n" in text
    policy.write_text(text.replace("model-cards/*.md", "ml/cards/*.md"), encoding="utf-8")


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


def install(repo: Path, *args: str) -> str:
    result = invoke(["hooks", "install", *args], cwd=repo)
    assert result.exit_code == 0, result.output
    return result.output


def without_mltriad_path() -> str:
    """A PATH with git and sh but no mltriad."""
    parts = [
        p for p in os.environ["PATH"].split(os.pathsep) if p and not (Path(p) / "mltriad").exists()
    ]
    path = os.pathsep.join(parts)
    assert shutil.which("git", path=path) and not shutil.which("mltriad", path=path)
    return path


# -- install -------------------------------------------------------------------------------
def test_install_writes_both_hooks_and_a_second_run_changes_nothing(repo: Path) -> None:
    output = install(repo)

    hooks = repo / ".git" / "hooks"
    for name in ("pre-commit", "pre-push"):
        assert f"{name}: installed" in output
        assert (hooks / name).read_bytes() == (ROOT / "hooks" / name).read_bytes()
        assert os.access(hooks / name, os.X_OK)
    before = {p.name: p.stat().st_mtime_ns for p in hooks.iterdir()}

    again = install(repo)

    assert "Nothing to do" in again and again.count("unchanged") == 2
    assert {p.name: p.stat().st_mtime_ns for p in hooks.iterdir()} == before
    listed = invoke(["hooks", "list"], cwd=repo)
    assert "pre-commit: installed (this version of mltriad)" in listed.output


def test_the_console_script_installs_from_a_subfolder(repo: Path) -> None:
    done = run(["hooks", "install", "pre-commit"], cwd=repo / "model-cards")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / ".git" / "hooks" / "pre-commit").exists()
    assert not (repo / ".git" / "hooks" / "pre-push").exists()


def test_an_existing_hook_is_kept_unless_forced_and_then_backed_up(repo: Path) -> None:
    theirs = repo / ".git" / "hooks" / "pre-push"
    theirs.parent.mkdir(exist_ok=True)
    theirs.write_text("#!/bin/sh\necho their own hook\n", encoding="utf-8")

    refused = invoke(["hooks", "install"], cwd=repo)

    assert refused.exit_code == 2
    assert "pre-push hook that is not mltriad's exists" in refused.output
    assert "--force" in refused.output
    assert not (repo / ".git" / "hooks" / "pre-commit").exists(), "nothing is half-installed"
    assert theirs.read_text(encoding="utf-8") == "#!/bin/sh\necho their own hook\n"

    forced = install(repo, "--force")

    backup = theirs.with_name("pre-push.mltriad-backup")
    assert "pre-push: replaced (--force)" in forced and backup.name in forced
    assert backup.read_text(encoding="utf-8") == "#!/bin/sh\necho their own hook\n"
    assert theirs.read_bytes() == githooks.shipped("pre-push")

    removed = invoke(["hooks", "uninstall"], cwd=repo)

    assert removed.exit_code == 0, removed.output
    assert theirs.read_text(encoding="utf-8") == "#!/bin/sh\necho their own hook\n"
    assert not backup.exists()
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_another_mltriad_versions_hook_is_updated_without_force(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text("#!/bin/sh\n# mltriad-hook: pre-commit\nmltriad check\n", encoding="utf-8")

    output = install(repo, "pre-commit")

    assert "pre-commit: updated" in output
    assert hook.read_bytes() == githooks.shipped("pre-commit")
    assert not hook.with_name("pre-commit.mltriad-backup").exists()


def test_pre_commits_own_hook_is_recognised(repo: Path) -> None:
    (repo / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: https://github.com/mltriad/mltriad\n    rev: v0.1.0\n"
        "    hooks:\n      - id: mltriad-check\n",
        encoding="utf-8",
    )
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    refused = invoke(["hooks", "install"], cwd=repo)

    assert refused.exit_code == 2
    assert "is pre-commit's" in refused.output
    assert "lists mltriad's hooks already" in refused.output
    assert "run twice" in refused.output
    assert "pre-commit: pre-commit's hook" in invoke(["hooks", "list"], cwd=repo).output


def test_core_hooks_path_is_respected(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", ".githooks")

    output = install(repo)

    assert str(repo / ".githooks" / "pre-commit") in output
    assert (repo / ".githooks" / "pre-push").exists()
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()


def test_hooks_path_sets_core_hooks_path_and_will_not_move_it_silently(repo: Path) -> None:
    output = install(repo, "--hooks-path", ".githooks")

    assert "Set core.hooksPath to .githooks." in output
    assert git(repo, "config", "--local", "core.hooksPath").strip() == ".githooks"
    assert (repo / ".githooks" / "pre-commit").exists()
    assert "Nothing to do" in install(repo, "--hooks-path", ".githooks")

    moved = invoke(["hooks", "install", "--hooks-path", "tools/hooks"], cwd=repo)

    assert moved.exit_code == 2 and "core.hooksPath is set to .githooks" in moved.output
    assert install(repo, "--hooks-path", "tools/hooks", "--force")
    assert git(repo, "config", "--local", "core.hooksPath").strip() == "tools/hooks"


def test_a_global_hooks_path_is_not_written_into_without_force(
    repo: Path, isolated_home: Path
) -> None:
    shared = isolated_home / "all-my-hooks"
    git(repo, "config", "--global", "core.hooksPath", str(shared))

    refused = invoke(["hooks", "install"], cwd=repo)

    assert refused.exit_code == 2
    assert "global git configuration" in refused.output and "--hooks-path" in refused.output
    assert not shared.exists()


def test_a_linked_worktree_installs_into_the_shared_hooks_folder(repo: Path) -> None:
    linked = repo.parent / "linked"
    git(repo, "worktree", "add", "-q", "-b", "other", str(linked))

    install(linked)

    assert (repo / ".git" / "hooks" / "pre-commit").exists()


def test_install_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(["hooks", "install"], cwd=tmp_path)
    assert result.exit_code == 2
    assert "not inside a git repository" in result.output


def test_a_moved_layout_gets_the_pattern_to_configure(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    policy = repo / "triad.yaml"
    move_model_cards(policy)

    output = install(repo, "pre-commit")

    assert "git config mltriad.files '^(triad\\.yaml|ml/cards/[^/]*\\.md|" in output


# -- pre-commit: real commits ----------------------------------------------------------------
@pytest.mark.slow
def test_a_commit_of_an_invalid_model_card_is_refused_and_a_valid_one_passes(
    repo: Path,
) -> None:
    done = run(["hooks", "install"], cwd=repo)  # the console script, as a user runs it
    assert done.returncode == 0, done.stdout + done.stderr
    before = head(repo)
    break_card(repo)
    git(repo, "add", CARD)

    code, output = attempt(repo, "commit", "-m", "Ship it")

    assert code != 0
    assert re.search(rf"^{re.escape(CARD)}:\d+:\d+: error MT104: status is 'shipped'", output, re.M)
    assert "mltriad pre-commit: the commit was refused" in output
    assert "--no-verify" not in output
    assert head(repo) == before

    fix_card(repo)
    card = repo / CARD
    card.write_text(card.read_text(encoding="utf-8").replace("version: 2.1.0", "version: 2.2.0"))
    git(repo, "add", CARD)
    code, output = attempt(repo, "commit", "-m", "A valid card")

    assert code == 0, output
    assert head(repo) != before


@pytest.mark.slow
def test_the_staged_content_is_checked_not_the_working_tree(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    install(repo)
    before = head(repo)
    break_card(repo)
    git(repo, "add", CARD)
    fix_card(repo)  # valid in the working tree, broken in the commit

    code, output = attempt(repo, "commit", "-m", "broken as staged")

    assert code != 0 and "MT104" in output
    assert head(repo) == before
    card = repo / CARD
    card.write_text(card.read_text(encoding="utf-8").replace("version: 2.1.0", "version: 2.2.0"))
    git(repo, "add", CARD)
    break_card(repo)  # broken in the working tree only

    code, output = attempt(repo, "commit", "-m", "valid as staged")

    assert code == 0, output
    assert list(temp.iterdir()) == [], "the copy of the staged files is removed"


@pytest.mark.slow
def test_a_commit_of_named_paths_checks_its_own_index(repo: Path) -> None:
    # `git commit PATH` hands the hook a temporary GIT_INDEX_FILE.
    install(repo, "pre-commit")
    break_card(repo)
    (repo / "notes.txt").write_text("not part of this commit\n", encoding="utf-8")

    code, output = attempt(repo, "commit", "-m", "only the card", "--", CARD)

    assert code != 0 and "MT104" in output
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "1"


@pytest.mark.slow
def test_files_mltriad_does_not_govern_are_not_checked(repo: Path) -> None:
    install(repo, "pre-commit")
    # A Hugging Face card outside model-cards/ would fail `mltriad check README.md`.
    (repo / "models").mkdir()
    (repo / "models" / "README.md").write_text("---\nlicense: mit\n---\n# A model\n")
    (repo / "train.py").write_text("print('train')\n", encoding="utf-8")
    git(repo, "add", "-A")

    code, output = attempt(repo, "commit", "-m", "code and a readme")

    assert code == 0, output
    assert "mltriad" not in output


@pytest.mark.slow
def test_the_files_pattern_can_be_configured(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    (repo / "ml").mkdir()
    shutil.move(repo / "model-cards", repo / "ml" / "cards")
    policy = repo / "triad.yaml"
    move_model_cards(policy)
    commit_all(repo, "cards in ml/cards")
    install(repo, "pre-commit")
    moved = githooks.files_regex({**DEFAULT_PATHS, "model-cards": "ml/cards/*.md"})
    git(repo, "config", "mltriad.files", moved)
    card = repo / "ml" / "cards" / "fraud-detector.md"
    card.write_text(card.read_text(encoding="utf-8").replace("status: candidate", BROKEN))
    git(repo, "add", "-A")

    code, output = attempt(repo, "commit", "-m", "broken card in ml/cards")

    assert code != 0 and re.search(
        r"^ml/cards/fraud-detector\.md:\d+:\d+: error MT104", output, re.M
    )
    git(repo, "config", "mltriad.files", "[")
    code, output = attempt(repo, "commit", "-m", "a broken pattern")
    assert code != 0 and "not a valid extended regular expression" in output


@pytest.mark.slow
def test_without_mltriad_the_commit_is_refused_and_mltriad_names_another(repo: Path) -> None:
    install(repo, "pre-commit")
    break_card(repo)
    git(repo, "add", CARD)
    path = without_mltriad_path()

    code, output = attempt(repo, "commit", "-m", "no mltriad", env={"PATH": path})

    assert code != 0 and "mltriad is not on PATH" in output and "MLTRIAD" in output
    for command in (mltriad_exe(), f"{sys.executable} -m mltriad"):
        code, output = attempt(
            repo, "commit", "-m", "another", env={"PATH": path, "MLTRIAD": command}
        )
        assert code != 0 and "MT104" in output, command
    code, output = attempt(
        repo, "commit", "-m", "x", env={"PATH": path, "MLTRIAD": "/nowhere/mltriad"}
    )
    assert code != 0 and "MLTRIAD is set to '/nowhere/mltriad'" in output


# -- pre-push: real pushes -------------------------------------------------------------------
def remote_branch(team: Team, name: str) -> str:
    return team.git("ls-remote", "origin", f"refs/heads/{name}").strip()


@pytest.fixture
def shared(tmp_path: Path) -> Team:
    """A team's repository whose main is on a bare remote (origin/HEAD known), both hooks
    installed, on a branch that edits the model card without sign-off."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", origin.name)
    team = Team(tmp_path / "repo")
    team.git("remote", "add", "origin", origin.as_uri())
    team.git("push", "-q", "-u", "origin", "main")
    team.git("remote", "set-head", "origin", "--auto")
    install(team.path)
    team.branch("change")
    team.edit(CARD)
    team.commit("Edit the model card")
    return team


@pytest.mark.slow
def test_a_push_of_an_unsigned_change_is_refused_and_a_signed_one_passes(shared: Team) -> None:
    code, output = attempt(shared.path, "push", "origin", "change")

    assert code != 0
    assert "compared with refs/remotes/origin/main" in output  # a first push: the default
    for role, who in (
        ("ml-engineer", "Ada Lovelace"),
        ("product-manager", "Grace Hopper"),
        ("domain-expert", "Katherine Johnson"),
    ):
        assert (
            f"{CARD}:1:1: error MT401: the {role} sign-off is missing; may sign: {who}." in output
        )
        assert f"Waiting on: {who} ({role}) for {CARD}" in output
    assert "Merge BLOCKED." in output
    assert "the push was refused: refs/heads/change did not pass the merge gate" in output
    assert "--no-verify" not in output
    assert remote_branch(shared, "change") == ""

    shared.sign_all(CARD)
    code, output = attempt(shared.path, "push", "origin", "change")

    assert code == 0, output
    assert "Merge allowed." in output
    assert remote_branch(shared, "change").startswith(head(shared.path))

    # The next push is compared with what the remote has now.
    shared.edit(CARD, "\nOne more paragraph, unsigned.\n")
    shared.commit("Edit again")
    code, output = attempt(shared.path, "push", "origin", "change")
    assert code != 0 and "error MT402" in output, output
    assert f"compared with {remote_branch(shared, 'change').split()[0]}" in output


@pytest.mark.slow
def test_a_push_of_another_branch_than_the_current_one_gates_that_branch(shared: Team) -> None:
    pushed = head(shared.path)
    shared.git("checkout", "-q", "main")

    code, output = attempt(shared.path, "push", "origin", "change")

    assert code != 0 and f"head {pushed} ({pushed[:12]})" in output
    assert remote_branch(shared, "change") == ""
    code, output = attempt(shared.path, "push", "origin", "main")  # nothing new: passes
    assert code == 0, output


@pytest.mark.slow
def test_without_origin_head_a_new_branch_is_compared_with_main(shared: Team) -> None:
    shared.git("remote", "set-head", "origin", "--delete")
    code, output = attempt(shared.path, "push", "origin", "change")
    assert code != 0 and "compared with refs/remotes/origin/main" in output


@pytest.mark.slow
def test_deleting_a_remote_branch_is_not_gated(shared: Team) -> None:
    code, output = attempt(shared.path, "push", "--no-verify", "origin", "change")
    assert code == 0, output
    assert remote_branch(shared, "change")

    # Not even run: with no mltriad to be found, the deletion still goes through.
    code, output = attempt(
        shared.path, "push", "origin", "--delete", "change", env={"PATH": without_mltriad_path()}
    )

    assert code == 0, output
    assert remote_branch(shared, "change") == ""


@pytest.mark.slow
def test_a_first_push_with_no_default_branch_to_compare_with_fails_closed(
    tmp_path: Path,
) -> None:
    origin = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", origin.name)
    team = Team(tmp_path / "repo")
    team.git("remote", "add", "origin", origin.as_uri())
    install(team.path, "pre-push")

    code, output = attempt(team.path, "push", "origin", "main")

    assert code != 0
    assert "cannot gate refs/heads/main: it is new on origin" in output
    assert "git fetch origin" in output
    assert remote_branch(team, "main") == ""


# -- the wheel -------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_wheel_ships_the_hooks_executable(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel here (no package index?): {built.stderr[-500:]}")
    [wheel] = tmp_path.glob("mltriad-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            info.filename.rsplit("/", 1)[1]: (info.external_attr >> 16, archive.read(info))
            for info in archive.infolist()
            if info.filename.startswith("mltriad/_data/hooks/")
        }
    assert sorted(shipped) == sorted(githooks.HOOKS)  # not the generator
    for name, (mode, content) in shipped.items():
        assert mode & 0o111 == 0o111, f"{name} is not executable in the wheel"
        assert content == (ROOT / "hooks" / name).read_bytes()
