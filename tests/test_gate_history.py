"""The gate against ref and history tricks, each on a real repository with plain git.

Every test here passed the gate (exit 0) before the fix it guards: a tag that shadows the
base branch, a force-push whose `before` is not in the pushed history, a graft that
rewrites history, and a sign-off record that is a symbolic link.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mltriad.commands.gate import gate
from mltriad.errors import GitError
from tests.helpers import CARD, author_env, run
from tests.helpers.signing import (
    CARD_ROLES,
    MEMBER_OF,
    Team,
    change_card,
    needs_ssh,
    rules_of,
)


def _unsigned_change_with_a_tag_on_head(tmp_path: Path, tag: str) -> Team:
    """An unsigned edit of the card on a branch, and a tag `tag` on that very commit: a
    base read through the tag would see no change at all."""
    team = change_card(tmp_path)
    team.git("tag", tag, "HEAD")
    return team


# -- ambiguous ref names ------------------------------------------------------------------------
@pytest.mark.parametrize("shadowed", ["main", "origin/main"])
def test_a_tag_that_shadows_the_base_branch_is_refused(tmp_path: Path, shadowed: str) -> None:
    team = _unsigned_change_with_a_tag_on_head(tmp_path, shadowed)
    if shadowed == "origin/main":
        team.git("update-ref", "refs/remotes/origin/main", "main")
    result = run(["gate", "--base", shadowed], cwd=team.path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"the base '{shadowed}' is ambiguous" in result.stderr
    expected = "refs/heads/main" if shadowed == "main" else "refs/remotes/origin/main"
    assert f"for example `{expected}`" in result.stderr


def test_the_default_base_is_never_skipped_for_being_ambiguous(tmp_path: Path) -> None:
    # A tag `origin/HEAD` on the change: skipping to the next default would hide it.
    team = _unsigned_change_with_a_tag_on_head(tmp_path, "origin/HEAD")
    team.git("update-ref", "refs/remotes/origin/main", "main")
    team.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    result = run(["gate"], cwd=team.path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the default base 'origin/HEAD' is ambiguous" in result.stderr


def test_a_full_ref_name_is_taken_as_it_is_and_shown(tmp_path: Path) -> None:
    team = _unsigned_change_with_a_tag_on_head(tmp_path, "main")
    result = gate(team.path, "refs/heads/main", env={})
    assert rules_of(result) == {"MT401"}
    team.git("tag", "-d", "main")
    result = gate(team.path, "main", env={})
    assert result.refs.resolved_base == "refs/heads/main"
    assert "Base main (refs/heads/main) at" in result.notes[0]


def test_an_abbreviated_commit_id_that_is_also_a_branch_name_is_refused(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    short = team.git("rev-parse", "--short=8", "main").strip()
    team.git("branch", short, "HEAD")  # a branch named like main's commit, on the change
    with pytest.raises(GitError, match="ambiguous"):
        gate(team.path, short, env={})


# -- force-pushes -------------------------------------------------------------------------------
def test_a_push_whose_before_is_not_an_ancestor_cannot_be_decided(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    signed = team.git("rev-parse", "HEAD").strip()
    # The force-push rewinds the branch to an unsigned edit that does not contain `before`.
    team.git("checkout", "-q", "-b", "rewritten", "main")
    team.edit(CARD, "\nA different, unsigned paragraph.\n")
    team.commit("Rewrite the card", who="mallory")
    after = team.git("rev-parse", "HEAD").strip()
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"ref": "refs/heads/change", "before": signed, "after": after}))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)}
    result = run(["gate"], cwd=team.path, env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is not an ancestor of what it pushed" in result.stderr
    assert "mltriad gate --base origin/change" in result.stderr
    # A push that only adds commits is judged as before.
    team.git("checkout", "-q", "change")
    event.write_text(
        json.dumps(
            {
                "ref": "refs/heads/change",
                "before": team.git("rev-parse", "main").strip(),
                "after": signed,
            }
        )
    )
    assert gate(team.path, env={**env, "GITHUB_EVENT_PATH": str(event)}).passed


# -- grafts -------------------------------------------------------------------------------------
def test_a_graft_cannot_make_the_base_seem_to_contain_the_change(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    change = team.git("rev-parse", "HEAD").strip()
    team.git("checkout", "-q", "main")
    team.edit("README.md", "\nAn unrelated line.\n")
    team.commit("Unrelated work on main", who="grace")
    main = team.git("rev-parse", "HEAD").strip()
    parent = team.git("rev-parse", "HEAD^").strip()
    # The graft says main's tip also descends from the unsigned change.
    grafts = team.path / ".git" / "info" / "grafts"
    grafts.parent.mkdir(exist_ok=True)
    grafts.write_text(f"{main} {parent} {change}\n", encoding="utf-8")
    team.git("checkout", "-q", "change")
    result = gate(team.path, "main", env={})
    assert (result.merge_base, rules_of(result)) == (parent, {"MT401"})


# -- symlinked records --------------------------------------------------------------------------
def test_a_sign_off_record_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    assert team.gate().passed
    record = team.path / "signoffs" / CARD / "product-manager.yaml"
    kept = team.path / "notes" / "pm.yaml"
    kept.parent.mkdir()
    record.rename(kept)
    record.symlink_to(Path("../../../notes/pm.yaml"))
    team.commit("Keep the record in notes", who=MEMBER_OF["product-manager"])
    result = team.gate()
    assert not result.passed
    assert {(f.rule, f.path) for f in result.findings} == {
        ("MT413", f"signoffs/{CARD}/product-manager.yaml")
    }


def test_a_sign_off_folder_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    (team.path / "signoffs").rename(team.path / "elsewhere")
    (team.path / "signoffs").symlink_to("elsewhere")
    team.commit("Move the records", who="ada")
    result = team.gate()
    assert "MT413" in rules_of(result) and not result.passed


# -- output that a file or a name could forge ---------------------------------------------------
FORGED = "\n::warning file=triad.yaml::forged\nAll sign-offs verified. Merge allowed."


def _own_workflow_commands(stdout: str) -> list[str]:
    """The lines GitHub would read as workflow commands, outside a stop-commands block."""
    commands, stopped = [], None
    for line in stdout.splitlines():
        if stopped is not None:
            stopped = None if line == f"::{stopped}::" else stopped
        elif line.startswith("::stop-commands::"):
            stopped = line.removeprefix("::stop-commands::")
        elif line.lstrip().startswith("::"):
            commands.append(line)
    return commands


def _assert_nothing_forged(stdout: str, fmt: str) -> None:
    lines = stdout.splitlines()
    assert "All sign-offs verified. Merge allowed." not in lines, stdout
    assert not any(line.startswith("::warning file=triad.yaml") for line in lines)
    if fmt == "github":
        assert all(
            c.startswith(("::error file=", "::warning file=", "::notice file="))
            for c in _own_workflow_commands(stdout)
        )


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_file_name_cannot_forge_a_line_of_output(repo: Path, fmt: str) -> None:
    evil = repo / "model-cards" / f"x{FORGED}.md"
    evil.write_text("---\nid: x\n---\n# x\n", encoding="utf-8")
    result = run(["check", "--format", fmt], cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    _assert_nothing_forged(result.stdout, fmt)
    assert "\\n::warning file=triad.yaml::forged\\nAll sign-offs" in result.stdout


def test_a_signer_name_cannot_forge_a_line_of_the_gate(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    record = team.path / "signoffs" / CARD / "product-manager.yaml"
    record.write_text(
        record.read_text(encoding="utf-8").replace(
            "name: Grace Hopper", "name: " + json.dumps("Grace Hopper" + FORGED)
        ),
        encoding="utf-8",
    )
    team.commit("A name with a payload", who="grace")
    for fmt in ("text", "github"):
        result = run(["gate", "--base", "main", "--format", fmt], cwd=team.path)
        _assert_nothing_forged(result.stdout, fmt)
        if fmt == "text":  # the table names the signer, escaped on its one line
            assert (
                "signed by Grace Hopper\\n::warning file=triad.yaml::forged\\nAll" in result.stdout
            )


# -- writing through links ----------------------------------------------------------------------
def test_signoff_does_not_write_through_a_folder_that_leads_out(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (team.path / "signoffs").symlink_to(outside, target_is_directory=True)
    result = run(
        ["signoff", CARD, "--role", "product-manager", "--email", "grace@example.org"],
        cwd=team.path,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "outside the repository" in result.stderr and "symbolic link" in result.stderr
    assert list(outside.rglob("*")) == []


def test_signoff_does_not_write_through_a_record_that_is_a_link(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    target = tmp_path / "victim.txt"
    target.write_text("keep me\n", encoding="utf-8")
    record = team.path / "signoffs" / CARD / "product-manager.yaml"
    record.parent.mkdir(parents=True)
    record.symlink_to(target)
    result = run(
        ["signoff", CARD, "--role", "product-manager", "--email", "grace@example.org"],
        cwd=team.path,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "is a symbolic link" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_new_does_not_write_through_a_folder_that_leads_out(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    for item in (team.path / "decisions").iterdir():
        item.rename(outside / item.name)
    (team.path / "decisions").rmdir()
    (team.path / "decisions").symlink_to(outside, target_is_directory=True)
    before = sorted(p.name for p in outside.iterdir())
    result = run(["new", "decision", "use-a-linked-folder"], cwd=team.path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert sorted(p.name for p in outside.iterdir()) == before


# -- nested policies ----------------------------------------------------------------------------
def test_a_nested_policy_added_by_the_change_needs_every_role(tmp_path: Path) -> None:
    team = Team(tmp_path / "repo")
    team.branch()
    (team.path / "team-b").mkdir()
    (team.path / "team-b" / "triad.yaml").write_text(
        "version: 1\nroles:\n  ml-engineer:\n    members:\n"
        "      - {name: Mallory Moriarty, email: mallory@example.org}\n"
        "require:\n  model-card: [ml-engineer]\n",
        encoding="utf-8",
    )
    team.commit("A policy of our own", who="mallory")
    result = team.gate()
    assert [(r.artifact, r.kind) for r in result.rows] == [("team-b/triad.yaml", "policy")]
    assert not result.passed and rules_of(result) == {"MT401"}
    for role in ("ml-engineer", "product-manager", "domain-expert"):
        team.sign_and_commit("team-b/triad.yaml", role)
    assert team.gate().passed


# -- what a sign-off signs ----------------------------------------------------------------------
def test_a_change_of_mode_or_line_endings_only_needs_no_sign_off(tmp_path: Path) -> None:
    """The digest covers the content with line endings normalised, not the mode: the
    gate agrees with it."""
    team = Team(tmp_path / "repo")
    team.branch()
    team.git("update-index", "--chmod=+x", CARD)
    team.git("commit", "-q", "-m", "Make the card executable", who="mallory")
    card = team.path / CARD
    card.write_bytes(card.read_bytes().replace(b"\n", b"\r\n"))
    team.commit("Windows line endings", who="mallory")
    result = team.gate()
    assert (result.rows, result.passed) == ([], True)
    team.edit(CARD)
    team.commit("And a real edit", who="mallory")
    assert rules_of(team.gate()) == {"MT401"}


# -- what lands: the merge result, not the branch's own diff -----------------------------------
@pytest.mark.parametrize("newer", ["main's edit", "the branch's work"])
def test_criss_cross_history_is_judged_by_what_the_merge_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newer: str
) -> None:
    """main and the branch each merged the other; the branch's merge kept the card as it
    was before main's signed edit. There are two merge bases, and from the one git names
    first (the newer) the branch's own diff can show nothing; merging it into main lands
    the old, unsigned card all the same."""

    def dated(day: int) -> None:
        stamp = f"2026-0{day}-01T12:00:00Z"
        monkeypatch.setenv("GIT_AUTHOR_DATE", stamp)
        monkeypatch.setenv("GIT_COMMITTER_DATE", stamp)

    dated(1)
    team = Team(tmp_path / "repo")
    start = team.git("rev-parse", "HEAD").strip()
    dated(2 if newer == "the branch's work" else 3)
    team.edit(CARD, "\nMain's signed paragraph.\n")
    team.commit("Main edits the card", who="ada")
    team.sign_all(CARD)
    signed = team.git("rev-parse", "HEAD").strip()
    dated(3 if newer == "the branch's work" else 2)
    team.branch("change", start)
    team.edit("docs/notes.md", "Unrelated notes.\n")
    team.commit("Unrelated work", who="mallory")
    unrelated = team.git("rev-parse", "HEAD").strip()
    dated(4)
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--no-edit", unrelated, who="ada")
    team.git("checkout", "-q", "change")
    team.git("merge", "-q", "--no-edit", "--no-commit", signed, who="mallory")
    team.git("checkout", start, "--", CARD)  # keep the card as it was
    team.git("commit", "-q", "--no-edit", who="mallory")
    assert len(team.git("merge-base", "--all", "main", "change").split()) == 2
    result = team.gate()
    assert not result.passed
    assert [(r.artifact, r.change) for r in result.rows] == [(CARD, "modified")]
    assert rules_of(result) == {"MT402"}


def test_an_edit_that_the_merge_carries_through_a_rename_needs_sign_off(tmp_path: Path) -> None:
    """main moves a draft into the governed folder and signs it; an older branch edits
    the draft. git's merge follows the rename, so the governed card lands with the edit."""
    team = Team(tmp_path / "repo")
    draft = "drafts/churn.md"
    (team.path / "drafts").mkdir()
    card_text = team.read(CARD).replace("id: fraud-detector", "id: churn")
    (team.path / draft).write_text(card_text, encoding="utf-8")
    team.commit("A draft card", who="ada")
    team.branch("change")
    team.edit(draft, "\nAn edit nobody signs.\n")
    team.commit("Edit the draft", who="mallory")
    team.git("checkout", "-q", "main")
    team.git("mv", draft, "model-cards/churn.md")
    team.commit("Promote the draft", who="ada")
    team.sign_all("model-cards/churn.md")
    team.git("checkout", "-q", "change")
    result = team.gate()
    assert not result.passed
    assert [(f.rule, f.path) for f in result.findings] == [("MT402", "model-cards/churn.md")]
    assert "the merge followed a rename into it" in result.findings[0].message


def test_a_conflicting_merge_cannot_be_decided(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    team.edit(CARD, "\nA paragraph main adds in the same place.\n")
    team.commit("Main edits the card too", who="ada")
    team.git("checkout", "-q", "change")
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"conflicts in {CARD}, so what would land is not known yet" in result.stderr


# -- who wrote a record -------------------------------------------------------------------------
def _re_signed_on_a_branch(tmp_path: Path) -> tuple[Team, Path]:
    """Grace's record on main; a branch that edits the card and is signed again by all
    three; main checked out. Returns the team and Grace's record."""
    team = Team(tmp_path / "repo")
    team.sign_and_commit(CARD, "product-manager")  # the base's record, by Grace
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    team.sign_all(CARD)
    team.git("checkout", "-q", "main")
    return team, team.path / "signoffs" / CARD / "product-manager.yaml"


def test_an_update_branch_merge_does_not_make_its_author_the_writer_of_a_record(
    tmp_path: Path,
) -> None:
    """Grace re-signs on the branch; Mallory edits Grace's record on main; Grace's clean
    `git merge main` combines the two. No one wrote the record as it lands: the merge
    resolved nothing, so it does not count as Grace's."""
    team, record = _re_signed_on_a_branch(tmp_path)
    record.write_text(
        record.read_text(encoding="utf-8").replace(
            "name: Grace Hopper", "name: Grace Hopper, as Mallory says"
        ),
        encoding="utf-8",
    )
    team.commit("Touch Grace's record", who="mallory")
    team.git("checkout", "-q", "change")
    team.git("merge", "-q", "--no-edit", "main", who="grace")
    assert "as Mallory says" in record.read_text(encoding="utf-8")
    result = team.gate()
    assert not result.passed
    assert {(f.rule, f.path) for f in result.findings} == {
        ("MT406", f"signoffs/{CARD}/product-manager.yaml")
    }


def test_a_conflict_elsewhere_does_not_make_the_merge_author_write_a_record(
    tmp_path: Path,
) -> None:
    """As above, but main and the branch also edit README.md in the same place, so the
    "Update branch" merge conflicts there and Grace resolves it. She resolved README.md,
    not her record: git's own merge gives the record as it lands."""
    team, record = _re_signed_on_a_branch(tmp_path)
    (team.path / "README.md").write_text("Main's line.\n", encoding="utf-8")
    record.write_text(
        record.read_text(encoding="utf-8").replace(
            "name: Grace Hopper", "name: Grace Hopper, as Mallory says"
        ),
        encoding="utf-8",
    )
    team.commit("Touch Grace's record and the README", who="mallory")
    team.git("checkout", "-q", "change")
    (team.path / "README.md").write_text("The branch's line.\n", encoding="utf-8")
    team.commit("The README on the branch", who="grace")
    done = subprocess.run(
        ["git", "merge", "-q", "--no-edit", "main"],
        cwd=team.path,
        capture_output=True,
        text=True,
        env={**os.environ, **author_env("Grace Hopper", "grace@example.org")},
        check=False,
    )
    assert done.returncode == 1  # README.md conflicts; the record merges cleanly
    assert "as Mallory says" in record.read_text(encoding="utf-8")
    (team.path / "README.md").write_text("Both lines.\n", encoding="utf-8")
    team.commit("Merge main", who="grace")
    result = team.gate()
    assert not result.passed
    assert {(f.rule, f.path) for f in result.findings} == {
        ("MT406", f"signoffs/{CARD}/product-manager.yaml")
    }


def test_without_merge_tree_the_gate_does_not_credit_a_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git before 2.38 cannot redo a merge (`merge-tree --write-tree`), so the gate cannot
    tell a merge that resolved a record from one that carried it: exit 2, not a pass."""
    team, record = _re_signed_on_a_branch(tmp_path)
    # At the top, far from the lines that signing again changes (the digest, and the date
    # when the second is another), so that git merges it cleanly whatever the clock says.
    record.write_text("# Mallory was here\n" + record.read_text(encoding="utf-8"), "utf-8")
    team.commit("Touch Grace's record", who="mallory")
    team.git("checkout", "-q", "change")
    team.git("merge", "-q", "--no-edit", "main", who="grace")
    real = subprocess.run(["which", "git"], capture_output=True, text=True, check=True)
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "git").write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do [ "$a" = --write-tree ] && '
        '{ echo "error: unknown option \\`write-tree\'" >&2; exit 129; }; done\n'
        f'exec {real.stdout.strip()} "$@"\n',
        encoding="utf-8",
    )
    (shim / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim}{os.pathsep}{os.environ['PATH']}")
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "git cannot redo the merge" in result.stderr
    assert "git 2.38 or later" in result.stderr


def test_a_merge_that_resolves_a_record_is_its_authors_work(tmp_path: Path) -> None:
    """The honest path: a conflict in the record that the signer resolves by signing
    again is the signer's own content."""
    team, record = _re_signed_on_a_branch(tmp_path)
    text = record.read_text(encoding="utf-8")
    record.write_text(re.sub(r"date: '[^']*'", "date: '1999-01-01T00:00:00Z'", text), "utf-8")
    team.commit("Another date on main", who="mallory")
    team.git("checkout", "-q", "change")
    done = subprocess.run(
        ["git", "merge", "-q", "--no-edit", "main"],
        cwd=team.path,
        capture_output=True,
        text=True,
        env={**os.environ, **author_env("Grace Hopper", "grace@example.org")},
        check=False,
    )
    assert done.returncode == 1  # the record conflicts
    team.git("checkout", "--ours", "--", str(record.relative_to(team.path)))
    team.commit("Merge main; keep my sign-off", who="grace")
    assert team.gate().passed


# -- signatures bound to a repository -----------------------------------------------------------
@needs_ssh
def test_a_signed_record_from_another_repository_does_not_count(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Two repositories, one team, the same keys and the same card: a record Grace signed
    in one verifies in the other, unless each names itself in triad.yaml."""

    def team(name: str) -> Team:
        signoff = {"identity": "signature", "repository": f"example/{name}"}
        return Team(tmp_path / name, keys=keys, policy={"signoff": signoff})

    here, there = team("here"), team("there")
    for t in (here, there):
        t.branch()
        t.edit(CARD)
        t.commit("Update the model card", who="ada")
    there.sign_all(CARD, key=True)
    here.sign(CARD, "ml-engineer", "ada", key=True)
    here.sign(CARD, "domain-expert", "katherine", key=True)
    record = f"signoffs/{CARD}/product-manager.yaml"
    (here.path / record).write_bytes((there.path / record).read_bytes())
    here.commit("Sign-offs, one of them from the other repository", who="ada")
    result = here.gate()
    assert not result.passed
    assert [(f.rule, f.path) for f in result.findings] == [("MT403", record)]
    assert "signed for the repository example/there" in result.findings[0].message
    here.sign(CARD, "product-manager", "grace", key=True)
    here.commit("Grace signs here", who="grace")
    assert here.gate().passed


# -- dates the replay check trusts --------------------------------------------------------------
@pytest.mark.parametrize("mode", ["author", "signature"])
def test_a_record_dated_far_ahead_on_the_base_does_not_block_honest_sign_offs(
    tmp_path: Path, mode: str, request: pytest.FixtureRequest
) -> None:
    """A record-only change needs no sign-off, so Mallory can put a record dated 2099 on
    main. It must not make every later honest sign-off of that role look like a replay."""
    options: dict[str, object] = {}
    if mode == "signature":
        if needs_ssh.args[0] is not False and needs_ssh.kwargs.get("condition", False):
            pytest.skip("ssh-keygen is not installed")
        options = {"identity": "signature", "keys": request.getfixturevalue("keys")}
    team = Team(tmp_path / "repo", **options)  # type: ignore[arg-type]
    team.forge(CARD, "product-manager", "grace")
    record = team.path / "signoffs" / CARD / "product-manager.yaml"
    record.write_text(
        re.sub(r"date: '?[^'\n]*'?", "date: '2099-01-01T00:00:00Z'", record.read_text("utf-8")),
        "utf-8",
    )
    team.commit("A record from the future", who="mallory")
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    team.sign_all(CARD, key=mode == "signature")
    assert team.gate().passed


def test_a_base_record_its_signer_did_not_commit_sets_no_bar(tmp_path: Path) -> None:
    """Author mode: Mallory commits, straight on main, a record that names Grace and is
    dated a few hours ahead (inside the clock skew the gate allows). Grace did not commit
    it, so it is no sign-off of hers and its date does not make her honest sign-off of
    the next change look older."""
    team = Team(tmp_path / "repo")
    team.forge(CARD, "product-manager", "grace")
    record = team.path / "signoffs" / CARD / "product-manager.yaml"
    ahead = (datetime.now(timezone.utc) + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ")
    record.write_text(
        re.sub(r"date: '?[^'\n]*'?", f"date: '{ahead}'", record.read_text("utf-8")), "utf-8"
    )
    team.commit("A record in Grace's name", who="mallory")
    team.branch()
    team.edit(CARD)
    team.commit("Update the model card", who="ada")
    team.sign_all(CARD)
    assert team.gate().passed


@needs_ssh
def test_removing_the_base_records_does_not_let_old_signatures_back_in(
    tmp_path: Path, keys: dict[str, Path]
) -> None:
    """Version 1 signed in January, version 2 written in March and signed. A record-only
    change that deletes the card's records needs no sign-off, and leaves the base with no
    record to compare dates with; the revert to version 1 with its genuine January
    signatures is still a replay: a sign-off cannot be older than the base's version."""
    team = Team(tmp_path / "repo", identity="signature", keys=keys)
    team.branch("v1")
    team.edit(CARD, "\nVersion 1.\n")
    team.commit("Version 1", who="ada")
    for role in CARD_ROLES:
        team.sign(CARD, role, MEMBER_OF[role], key=True, date="2026-01-05T10:00:00Z")
    team.commit("Sign version 1", who="ada")
    v1 = team.git("rev-parse", "HEAD").strip()
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--ff-only", "v1")
    team.branch("v2")
    team.edit(CARD, "\nVersion 2 fixes a dangerous claim.\n")
    team.commit("Version 2", who="ada")
    team.git("commit", "-q", "--amend", "--no-edit", "--date=2026-03-01T09:00:00Z", who="ada")
    for role in CARD_ROLES:
        team.sign(CARD, role, MEMBER_OF[role], key=True, date="2026-03-02T10:00:00Z")
    team.commit("Sign version 2", who="ada")
    team.git("checkout", "-q", "main")
    team.git("merge", "-q", "--ff-only", "v2")
    team.git("rm", "-r", "-q", f"signoffs/{CARD}")
    team.commit("Tidy the sign-off folder", who="mallory")
    assert team.gate(base="main~1", head="main").passed  # removing records needs nothing
    team.branch("revert")
    team.git("checkout", v1, "--", CARD, "signoffs")
    team.commit("Back to version 1 with its sign-offs", who="mallory")
    result = team.gate()
    assert rules_of(result) == {"MT410"}
    assert all(
        "before the base's version of" in c.reason and "(2026-03-01)" in c.reason
        for c in result.rows[0].cells
    )
    team.sign_all(CARD, key=True, committer="ada")
    assert team.gate().passed


def test_a_record_dated_in_the_future_does_not_count(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD, ("ml-engineer", "domain-expert"))
    team.sign_and_commit(CARD, "product-manager", date="2099-01-01T00:00:00Z")
    result = team.gate()
    assert not result.passed and rules_of(result) == {"MT410"}
    cell = result.rows[0].cell("product-manager")
    assert cell is not None and "in the future" in cell.reason


# -- advice a signer can act on -----------------------------------------------------------------
def test_a_sign_off_written_but_not_committed_is_named_as_such(tmp_path: Path) -> None:
    team = change_card(tmp_path)
    team.sign_all(CARD, ("ml-engineer", "product-manager"))
    team.sign(CARD, "domain-expert", "katherine")  # written, not committed
    result = run(["gate", "--base", "main"], cwd=team.path)
    assert result.returncode == 1
    record = f"signoffs/{CARD}/domain-expert.yaml"
    assert (
        f"{record}:1:1: error MT401: the domain-expert sign-off is written but not committed: "
        f"commit {record} as yourself "
        f'(`git add {record} && git commit -m "Sign off {CARD} as domain-expert"`).'
    ) in result.stdout.splitlines()
    team.commit("Sign off", who="katherine")
    assert team.gate().passed
