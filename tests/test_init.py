"""`mltriad init`: what it writes, that the example passes, and that it never overwrites."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mltriad import __version__
from mltriad.artifacts import digest_bytes
from mltriad.commands.check import check
from mltriad.commands.init import init
from mltriad.errors import MltriadError
from mltriad.files import write_file
from mltriad.schemas import schema
from mltriad.templates import target_name
from tests.helpers import (
    EXAMPLE_SIGNOFFS,
    EXAMPLE_STALE,
    beyond_example,
    commit_all,
    git,
    invoke,
    make_repo,
    run,
)

BASE_FILES = {
    ".github/CODEOWNERS",
    ".mltriad/schemas/decision.schema.json",
    ".mltriad/schemas/eval-set.schema.json",
    ".mltriad/schemas/model-card.schema.json",
    ".mltriad/schemas/glossary.schema.json",
    ".mltriad/schemas/signoff.schema.json",
    ".mltriad/schemas/triad.schema.json",
    ".vscode/settings.json",
    ".github/workflows/mltriad.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "README.md",
    "decisions/.gitkeep",
    "docs/index.md",
    "eval-sets/.gitkeep",
    "mkdocs.yml",
    "model-cards/.gitkeep",
    "signoffs/.gitkeep",
    "triad.yaml",
}
# The two kinds of the team's own (`init --kinds`, and --example); the templates keep the
# fields `mltriad new` fills in.
KIND_TEMPLATES = {"kinds/experiment-plan.template.md", "kinds/problem-framing.template.md"}
KIND_FILES = {
    "kinds/experiment-plan.schema.json",
    "kinds/problem-framing.schema.json",
    *KIND_TEMPLATES,
}
EXAMPLE_FILES = {
    "data/fraud-holdout/new-merchants.csv",
    "data/fraud-holdout/production-sample.csv",
    "data/fraud-holdout/synthetic-attacks.csv",
    "eval-runs/2026-11-02-gbm-v2.1.0/predictions.csv",
    "decisions/0001-use-logistic-regression.md",
    "decisions/0002-use-gradient-boosting.md",
    "docs/labels/fraud-holdout.md",
    "eval-sets/fraud-holdout.yaml",
    "glossary.yaml",
    "model-cards/fraud-detector.md",
    "problem-framings/card-fraud.md",
    "experiment-plans/fraud-detector-shadow-launch.md",
    *KIND_FILES,
}
KEPT_BY_EXAMPLE = {
    "decisions/.gitkeep",
    "eval-sets/.gitkeep",
    "model-cards/.gitkeep",
    "signoffs/.gitkeep",
}
CARD = "model-cards/fraud-detector.md"
MANIFEST = "eval-sets/fraud-holdout.yaml"


def files_under(root: Path) -> dict[str, bytes]:
    """Every file below `root` outside .git, with its content."""
    found = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(".git/"):
            found[rel] = path.read_bytes()
    return found


def untracked(repo: Path) -> set[str]:
    out = git(repo, "status", "--porcelain", "--untracked-files=all")
    return {line[3:] for line in out.splitlines() if line.startswith("?? ")}


# --- The example, from the installed command ------------------------------------------------


def test_example_then_check_exits_0_with_zero_findings(tmp_path: Path) -> None:
    done = run(["init", "--example", "demo"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    checked = run(["-C", "demo", "check", "--format", "json"], cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    # The one note: the product manager's sign-off is of an earlier draft (the example
    # shows a stale sign-off on purpose).
    assert [(f["path"], f["rule"], f["severity"]) for f in report["findings"]] == [
        (EXAMPLE_STALE, "MT402", "info")
    ]
    assert report["summary"]["files"] == 13
    assert report["notes"] == [f"{CARD}: meets targets"]


def test_git_status_shows_every_file_init_wrote(tmp_path: Path) -> None:
    done = run(["init", "--example", "demo"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Initialised a git repository in demo" in done.stdout
    expected = (BASE_FILES - KEPT_BY_EXAMPLE) | EXAMPLE_FILES | EXAMPLE_SIGNOFFS
    # The example's history is committed; every other file init wrote is new, and the
    # files today's example changes since that history show as modified.
    demo = tmp_path / "demo"
    committed = set(git(demo, "ls-tree", "-r", "--name-only", "HEAD").split())
    assert committed < expected
    assert untracked(demo) == expected - committed
    modified = {
        line[3:] for line in git(demo, "status", "--porcelain").splitlines() if line[:2] == " M"
    }
    assert modified == {CARD, *(p for p in EXAMPLE_SIGNOFFS if p.startswith(f"signoffs/{CARD}/"))}
    written = files_under(tmp_path / "demo")
    assert set(written) == expected
    # All filled in, but for `new`'s templates and the packaged schemas, copied as they are
    # (the policy schema describes the fields a kind's template may hold).
    filled = [p for p, content in written.items() if b"@@" in content]
    assert sorted(filled) == sorted([*KIND_TEMPLATES, ".mltriad/schemas/triad.schema.json"])


def test_without_example_check_passes_and_roles_have_no_members(tmp_path: Path) -> None:
    result = init(tmp_path / "plain")
    assert {f.path for f in result.files} == BASE_FILES
    found = check(tmp_path / "plain").findings
    # Nothing blocks a commit, but each empty role is named: the gate would block.
    assert [(f.rule, f.severity.value) for f in found] == [("MT203", "warning")] * 3
    assert [f.message for f in found] == [
        f"the role '{role}' has no members yet, so nobody can sign for it and the merge "
        f"gate blocks every change that needs it; add its people under roles.{role}.members "
        "(name and email)"
        for role in ("ml-engineer", "product-manager", "domain-expert")
    ]
    policy = yaml.safe_load((tmp_path / "plain" / "triad.yaml").read_text(encoding="utf-8"))
    assert {role: body["members"] for role, body in policy["roles"].items()} == {
        "ml-engineer": [],
        "product-manager": [],
        "domain-expert": [],
    }


def test_init_again_changes_nothing_and_says_so(tmp_path: Path) -> None:
    assert run(["init", "--example", "demo"], cwd=tmp_path).returncode == 0
    before = files_under(tmp_path / "demo")
    times = {p: os.stat(tmp_path / "demo" / p).st_mtime_ns for p in before}
    again = run(["init", "--example", "demo"], cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Nothing to do: no file in demo was changed.")
    assert "Created" not in again.stdout and "Next steps" not in again.stdout
    assert files_under(tmp_path / "demo") == before
    assert {p: os.stat(tmp_path / "demo" / p).st_mtime_ns for p in before} == times


def test_first_run_prints_created_files_and_the_three_next_steps(tmp_path: Path) -> None:
    result = invoke(["init", str(tmp_path / "x")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Created:" in lines and "  triad.yaml" in lines
    steps = lines[lines.index("Next steps:") + 1 :]
    assert [s.split(".")[0].strip() for s in steps] == ["1", "2", "3"]
    assert "roster" in steps[0] and "pre-commit install" in steps[1]
    assert "pull request" in steps[2] and "mltriad-gate" in steps[2]


# --- git ------------------------------------------------------------------------------------


def test_inside_an_existing_repository_git_is_not_touched(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ml", None, commit=False)
    (repo / "train.py").write_text("print('training')\n", encoding="utf-8")
    head = commit_all(repo, "existing work")
    result = invoke(["init", str(repo / "governance")])
    assert result.exit_code == 0, result.output
    assert "Initialised" not in result.output
    assert not (repo / "governance" / ".git").exists()
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "diff", "--cached", "--name-only") == ""
    assert "GitHub and pre-commit read .github/" in result.output  # not at the top: say so


def test_outside_any_repository_git_init_runs(tmp_path: Path) -> None:
    result = invoke(["init", str(tmp_path / "fresh")])
    assert result.exit_code == 0
    assert result.output.startswith(f"Initialised a git repository in {tmp_path / 'fresh'}")
    assert git(tmp_path / "fresh", "rev-parse", "--show-toplevel").strip() == str(
        (tmp_path / "fresh").resolve()
    )


def test_git_variables_from_a_hook_do_not_redirect_git_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = make_repo(tmp_path / "other", None, commit=False)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    result = init(tmp_path / "fresh")
    assert result.git_initialised
    assert (tmp_path / "fresh" / ".git").is_dir()


# --- Never overwrite ------------------------------------------------------------------------


def test_existing_files_are_never_overwritten_and_are_listed(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "ml", None, commit=False)
    mine = {
        "triad.yaml": b"version: 1\nroles:\n  reviewer: {members: []}\n",
        "mkdocs.yml": b"site_name: Ours\n",
        ".pre-commit-config.yaml": b"repos: []\n",
        ".github/workflows/mltriad.yml": b"name: ours\n",
        "docs/index.md": b"# Our docs\n",
        CARD: b"---\nid: fraud-detector\n---\n# Ours\n",
        MANIFEST: b"id: fraud-holdout\n",
        "README.md": b"# Our project\n\nHow to train.\n",
        ".gitignore": b"*.pyc\n",
    }
    for path, content in mine.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(content)
    result = invoke(["init", "--example", str(root)])
    assert result.exit_code == 0, result.output
    for path, content in mine.items():
        if path == "README.md":
            text = (root / path).read_bytes()
            assert text.startswith(content) and b"## How the triad works" in text
        else:
            assert (root / path).read_bytes() == content, path
    skipped = result.output.split("Skipped, because they exist and differ")[1]
    for path in set(mine) - {"README.md"}:
        assert f"\n  {path}" in skipped, path
    assert "add `- mltriad` under `plugins:`" in skipped
    assert "Added to:\n  README.md" in result.output
    assert (root / "decisions" / "0001-use-logistic-regression.md").is_file()  # what was missing


def test_force_overwrites_and_says_which_files(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    init(root, example=True)
    (root / "mkdocs.yml").write_text("site_name: changed\n", encoding="utf-8")
    (root / "triad.yaml").unlink()
    readme = (root / "README.md").read_text(encoding="utf-8") + "\nOur own notes.\n"
    (root / "README.md").write_text(readme, encoding="utf-8")
    result = invoke(["init", "--example", "--force", str(root)])
    assert result.exit_code == 0, result.output
    assert "Overwritten (--force):\n  mkdocs.yml\n" in result.output
    assert "Created:\n  triad.yaml\n" in result.output
    assert "site_name: changed" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert (root / "README.md").read_text(encoding="utf-8") == readme  # only ever added to
    assert beyond_example(check(root).findings) == []


def test_a_file_where_a_folder_belongs_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "docs").write_text("not a folder\n", encoding="utf-8")
    result = invoke(["init", str(tmp_path)])
    assert result.exit_code == 2
    assert "cannot write" in result.output and "docs" in result.output
    assert (tmp_path / "docs").read_text(encoding="utf-8") == "not a folder\n"


def test_init_on_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x\n", encoding="utf-8")
    result = invoke(["init", str(tmp_path / "notes.txt")])
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.output


def test_write_file_never_replaces_without_permission(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("mine\n", encoding="utf-8")
    assert write_file(target, b"theirs\n", replace=False) is False
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert write_file(target, b"theirs\n", replace=True) is True
    assert target.read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_an_interrupted_write_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_file(tmp_path / "triad.yaml", b"version: 1\n" * 1000, replace=False)
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_a_user_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write to read-only folders")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(MltriadError, match="cannot write"):
            write_file(tmp_path / "x.txt", b"x", replace=False)
    finally:
        tmp_path.chmod(0o700)


# --- README and CODEOWNERS are added to, never replaced ------------------------------------


def test_readme_section_is_appended_once(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Churn\r\n\r\nOur model.\r\n", encoding="utf-8")
    first = init(tmp_path)
    second = init(tmp_path)
    text = (tmp_path / "README.md").read_bytes()
    assert text.startswith(b"# Churn\r\n\r\nOur model.\r\n\r\n## How the triad works")
    assert text.count(b"## How the triad works in this repository") == 1
    assert b"\n" not in text.replace(b"\r\n", b"")  # the file keeps its line endings
    assert [f.action for f in first.files if f.path == "README.md"] == ["appended"]
    assert [f.action for f in second.files if f.path == "README.md"] == ["unchanged"]


def test_a_readme_that_is_not_markdown_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "README.rst").write_text("Churn\n=====\n", encoding="utf-8")
    result = init(tmp_path)
    assert not (tmp_path / "README.md").exists()
    assert (tmp_path / "README.rst").read_text(encoding="utf-8") == "Churn\n=====\n"
    [readme] = [f for f in result.files if f.path == "README.rst"]
    assert readme.action == "skipped" and "not Markdown" in readme.note


def test_readme_explains_how_to_make_the_check_required(tmp_path: Path) -> None:
    init(tmp_path)
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "## How the triad works in this repository" in text
    assert "Require status checks to pass" in text and "`mltriad-gate`" in text
    assert "Require review from Code Owners" in text


def test_codeowners_protects_the_policy_the_signoffs_and_the_workflow(tmp_path: Path) -> None:
    init(tmp_path)
    entries = [
        line.split()
        for line in (tmp_path / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert [e[0] for e in entries] == [
        "/triad.yaml",
        "/signoffs/",
        "/.github/workflows/mltriad.yml",
        "/.github/CODEOWNERS",
    ]
    assert all(len(e) == 2 and e[1].startswith("@") for e in entries)


def test_an_existing_codeowners_file_gets_the_missing_entries(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("* @acme/ml\n/triad.yaml @acme/leads\n", "utf-8")
    result = init(tmp_path)
    assert not (tmp_path / ".github" / "CODEOWNERS").exists()  # it would shadow the user's
    text = (tmp_path / "CODEOWNERS").read_text(encoding="utf-8")
    assert text.startswith("* @acme/ml\n/triad.yaml @acme/leads\n\n# mltriad:")
    owned = [line.split()[0] for line in text.splitlines() if line and line[0] != "#"]
    assert owned == [
        "*",
        "/triad.yaml",
        "/signoffs/",
        "/.github/workflows/mltriad.yml",
        "/CODEOWNERS",
    ]
    assert [f.action for f in result.files if f.path == "CODEOWNERS"] == ["appended"]
    assert [f.action for f in init(tmp_path).files if f.path == "CODEOWNERS"] == ["unchanged"]


# --- The files themselves ------------------------------------------------------------------


def test_triad_yaml_has_every_policy_key_each_explained_by_a_comment(tmp_path: Path) -> None:
    init(tmp_path)
    text = (tmp_path / "triad.yaml").read_text(encoding="utf-8")
    keys = re.findall(r"^([a-z-]+):", text, flags=re.MULTILINE)
    # `kinds:` is written by `init --kinds` (and --example): see test_kinds.py.
    assert keys == [k for k in schema("policy")["properties"] if k != "kinds"]
    lines = text.splitlines()
    for key in keys:
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[index - 1].startswith("#"), f"{key} has no comment above it"


def test_example_roster_has_three_people_one_per_role(tmp_path: Path) -> None:
    init(tmp_path, example=True)
    policy = yaml.safe_load((tmp_path / "triad.yaml").read_text(encoding="utf-8"))
    people = {m["email"] for body in policy["roles"].values() for m in body["members"]}
    assert len(people) == 3 and all(len(b["members"]) == 1 for b in policy["roles"].values())


def test_example_results_pin_the_eval_sets_current_digest(tmp_path: Path) -> None:
    init(tmp_path, example=True)
    digest = digest_bytes((tmp_path / MANIFEST).read_bytes())
    card = (tmp_path / CARD).read_text(encoding="utf-8")
    pinned = re.findall(r"eval_set_digest: (\S+)", card)
    assert pinned and set(pinned) == {digest}


def test_example_pins_the_manifest_that_is_there_when_it_is_kept(tmp_path: Path) -> None:
    init(tmp_path / "source", example=True)
    kept = (tmp_path / "source" / MANIFEST).read_text(encoding="utf-8")
    kept = kept.replace("A uniform sample", "A uniform random sample")
    (tmp_path / "demo" / "eval-sets").mkdir(parents=True)
    (tmp_path / "demo" / MANIFEST).write_text(kept, encoding="utf-8")
    init(tmp_path / "demo", example=True)
    assert (tmp_path / "demo" / MANIFEST).read_text(encoding="utf-8") == kept
    assert [f for f in check(tmp_path / "demo").findings if f.rule == "MT313"] == []


def test_example_has_what_a_newcomer_learns_from(tmp_path: Path) -> None:
    init(tmp_path, example=True)
    front = (tmp_path / CARD).read_text(encoding="utf-8").split("---\n")[1]
    data = yaml.safe_load(front)
    assert data["targets"] and data["results"] and len(data["failure_modes"]) >= 2
    old = (tmp_path / "decisions" / "0001-use-logistic-regression.md").read_text("utf-8")
    new = (tmp_path / "decisions" / "0002-use-gradient-boosting.md").read_text("utf-8")
    assert "status: superseded by 0002" in old and "supersedes: [1]" in new
    manifest = yaml.safe_load((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert any(s["source"] == "production" for s in manifest["slices"])
    assert (tmp_path / manifest["label_spec"]).is_file()


def test_pre_commit_config_pins_this_version_of_the_hooks(tmp_path: Path) -> None:
    init(tmp_path)
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [entry] = config["repos"]
    assert entry["repo"] == "https://github.com/mltriad/mltriad"
    assert entry["rev"] == f"v{__version__}"
    assert entry["hooks"] == [
        {"id": "mltriad-check"},
        {"id": "mltriad-gate", "stages": ["pre-push"]},
    ]
    assert config["default_install_hook_types"] == ["pre-commit", "pre-push"]


def test_pre_commit_accepts_the_config(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or shutil.which(
        "pre-commit"
    )
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install '.[test]')")
    init(tmp_path)
    done = subprocess.run(
        [pre_commit, "validate-config", ".pre-commit-config.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mkdocs_config_enables_the_plugin(tmp_path: Path) -> None:
    init(tmp_path / "churn-models")
    config = yaml.safe_load((tmp_path / "churn-models" / "mkdocs.yml").read_text("utf-8"))
    assert config == {
        "site_name": "churn-models",
        "docs_dir": "docs",
        "theme": {"name": "mkdocs", "highlightjs": False},
        "plugins": ["search", "mltriad"],
    }
    assert (
        (tmp_path / "churn-models" / "docs" / "index.md")
        .read_text("utf-8")
        .startswith("# churn-models\n")
    )


@pytest.mark.slow
def test_the_example_site_builds_strictly(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    init(tmp_path / "demo", example=True)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=tmp_path / "demo",
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "demo" / "site" / "index.html").is_file()
    assert "site/" not in "".join(untracked(tmp_path / "demo"))  # .gitignore keeps it out


def test_template_names_starting_with_dot_dash_become_dotfiles() -> None:
    assert target_name("dot-github/workflows/mltriad.yml") == ".github/workflows/mltriad.yml"
    assert target_name("model-cards/dot-gitkeep") == "model-cards/.gitkeep"
    assert target_name("docs/index.md") == "docs/index.md"


def test_an_example_inside_another_repository_gets_its_own(tmp_path: Path) -> None:
    """Following the README from a clone of mltriad: the example's commits must stay in
    the example, and nothing must tell the reader to move files into the clone."""
    outer = tmp_path / "clone"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    done = run(["init", "--example", "demo"], cwd=outer)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        f"Initialised a git repository of its own in demo: it is inside the git repository "
        f"at {outer.resolve()}, and the example's commits belong in the example, not there."
    ) in done.stdout
    assert "move them there" not in done.stdout
    demo = outer / "demo"
    assert git(demo, "rev-parse", "--show-toplevel").strip() == str(demo.resolve())
    commit_all(demo, "Govern the fraud model")
    assert git(outer, "rev-list", "--all").strip() == ""  # the clone has no new commit


def test_an_existing_folder_inside_a_repository_is_not_made_a_repository(tmp_path: Path) -> None:
    """A folder with content inside a repository stays part of it: a nested repository
    would hide its files from the outer one."""
    outer = tmp_path / "mono"
    (outer / "ml").mkdir(parents=True)
    (outer / "ml" / "notes.md").write_text("ours\n", encoding="utf-8")
    git(outer, "init", "-q", "-b", "main")
    done = run(["init", "--example", "ml"], cwd=outer)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (outer / "ml" / ".git").exists()
    assert f"is inside the git repository at {outer.resolve()}" in done.stdout
