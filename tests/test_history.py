"""`mltriad history`: a model card's versions from git in one pass, with each version's
results against the bar, stale results, and who signed it; and the example's history."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mltriad.artifacts import digest_bytes
from mltriad.commands.history import card_history, quick_version, repository_histories
from mltriad.commands.init import example_history, init
from mltriad.gitrepo import GitRepo
from mltriad.policy import read_policy
from mltriad.snapshot import WorkTree
from mltriad.templates import template_dir
from tests.helpers import CARD, EVAL_SET, commit_all, git, invoke, make_repo, replace_text, run


def _history(repo: Path, *args: str) -> dict:
    result = invoke(["-C", str(repo), "history", CARD, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _bump(repo: Path, version: str, recall: str) -> str:
    text = (repo / CARD).read_text(encoding="utf-8")
    text = re.sub(r"^version: .*$", f"version: {version}", text, count=1, flags=re.M)
    text = re.sub(r"(metric: recall\n(?:    .*\n)*?    value: )[0-9.]+", rf"\g<1>{recall}", text)
    (repo / CARD).write_text(text, encoding="utf-8")
    return commit_all(repo, f"Version {version}")


@pytest.fixture
def versioned(tmp_path: Path) -> Path:
    """The test repository with four commits of the card: 1.0.0, 1.1.0 (twice), 1.2.0."""
    repo = make_repo(tmp_path / "repo")
    _bump(repo, "1.0.0", "0.70")
    _bump(repo, "1.1.0", "0.75")
    _bump(repo, "1.1.0", "0.82")
    _bump(repo, "1.2.0", "0.91")
    return repo


def test_each_version_once_with_its_last_commit_and_the_bar_met(versioned: Path) -> None:
    head = git(versioned, "rev-parse", "HEAD").strip()
    doc = _history(versioned)
    names = [v["version"] for v in doc["versions"]]
    # The initial commit's version, then the three bumped ones, oldest first.
    assert names[-3:] == ["1.0.0", "1.1.0", "1.2.0"]
    last = doc["versions"][-1]
    assert last["commit"] == head and last["committed"] is True
    middle = doc["versions"][-2]
    assert middle["commits"] == 2
    recall = {v["version"]: _target(v, "recall") for v in doc["versions"]}
    assert recall["1.0.0"]["value"] == 0.7
    assert recall["1.1.0"]["value"] == 0.82  # the last commit of 1.1.0 counts
    assert recall["1.0.0"]["min"] == 0.8
    assert [recall[v]["status"] for v in ("1.0.0", "1.1.0", "1.2.0")] == ["fail", "pass", "pass"]
    assert recall["1.2.0"]["goal_met"] is True


def _target(version: dict, metric: str) -> dict:
    return next(t for t in version["targets"] if t["metric"] == metric)


def test_one_git_log_for_the_whole_history(
    versioned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, ...]] = []
    original = GitRepo._run

    def counting(self: GitRepo, *args: str, stdin: bytes | None = None) -> bytes:
        calls.append(args)
        return original(self, *args, stdin=stdin)

    streamed = GitRepo.each_blob

    def streaming(self: GitRepo, shas: list[str]) -> Iterator[tuple[str, memoryview | None]]:
        calls.append(("cat-file", "--batch"))
        return streamed(self, shas)

    monkeypatch.setattr(GitRepo, "_run", counting)
    monkeypatch.setattr(GitRepo, "each_blob", streaming)
    history = card_history(versioned, str(versioned / CARD))
    assert len(history.versions) >= 3
    # The name of HEAD looked up once, one `git log`, and one `cat-file --batch` for every
    # version of the card and of its sign-off records, however long the history (read as
    # a stream: a version is kept only where it counts).
    assert [c[0] for c in calls] == ["for-each-ref", "log", "cat-file"]


def test_a_result_on_an_older_eval_set_is_stale_at_that_version(versioned: Path) -> None:
    # The eval set changes in the same commit as a new version whose results keep the
    # old digest: at that commit, the results are stale; at the earlier ones, current.
    replace_text(versioned, EVAL_SET, "description:", "description: Revised.\n  #")
    _bump(versioned, "1.3.0", "0.92")
    doc = _history(versioned)
    by_version = {v["version"]: v for v in doc["versions"]}
    stale = [t["status"] for t in by_version["1.3.0"]["targets"] if t["eval_set_digest"]]
    assert stale and set(stale) == {"stale"}
    assert "stale" not in {t["status"] for t in by_version["1.2.0"]["targets"]}


def test_a_version_is_signed_by_records_of_its_digest(versioned: Path) -> None:
    content = (versioned / CARD).read_bytes()
    signed = invoke(
        [
            "-C",
            str(versioned),
            "signoff",
            CARD,
            "--role",
            "ml-engineer",
            "--email",
            "ada@example.org",
        ]
    )
    assert signed.exit_code == 0, signed.output
    commit_all(versioned, "Sign off", author=("Ada Lovelace", "ada@example.org"))
    _bump(versioned, "1.4.0", "0.93")
    doc = _history(versioned)
    by_version = {v["version"]: v for v in doc["versions"]}
    assert by_version["1.2.0"]["digest"] == digest_bytes(content)
    assert [(s["role"], s["email"]) for s in by_version["1.2.0"]["signed"]] == [
        ("ml-engineer", "ada@example.org")
    ]
    assert by_version["1.4.0"]["signed"] == []


def test_a_renamed_card_keeps_its_history(versioned: Path) -> None:
    git(versioned, "mv", CARD, "model-cards/fraud.md")
    replace_text(versioned, "model-cards/fraud.md", "id: fraud-detector", "id: fraud")
    commit_all(versioned, "Rename the card")
    result = invoke(["-C", str(versioned), "history", "model-cards/fraud.md"])
    assert result.exit_code == 0, result.output
    assert f"(renamed from {CARD})" in result.output.splitlines()[0]
    assert "1.0.0" in result.output and "1.1.0" in result.output


def test_an_edit_not_committed_is_the_last_state_of_its_version(versioned: Path) -> None:
    replace_text(versioned, CARD, "version: 1.2.0", "version: 1.3.0")
    doc = _history(versioned)
    assert doc["versions"][-1]["version"] == "1.3.0"
    assert doc["versions"][-1]["committed"] is False
    assert doc["versions"][-2]["version"] == "1.2.0"
    text = invoke(["-C", str(versioned), "history", CARD]).output
    assert "1.3.0  not committed" in text


def test_outside_git_the_error_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    (repo / ".git").rename(repo / "not-git")
    result = run(["history", CARD], cwd=repo)
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_shallow_clone_is_an_error_that_says_how_to_fetch(
    versioned: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{versioned}", str(clone))
    result = run(["history", CARD], cwd=clone)
    assert result.returncode == 2
    assert "shallow" in result.stderr and "git fetch --unshallow" in result.stderr


def test_a_card_never_committed_is_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", commit=False)
    result = run(["history", CARD], cwd=repo)
    assert result.returncode == 2
    assert f"{CARD} was never committed" in result.stderr
    assert f"git add {CARD}" in result.stderr


def test_a_path_that_is_not_a_model_card_is_an_error(versioned: Path) -> None:
    result = run(["history", EVAL_SET], cwd=versioned)
    assert result.returncode == 2
    assert "is not a model card" in result.stderr


def test_the_site_reads_every_card_from_one_pass(versioned: Path) -> None:
    policy, _ = read_policy(WorkTree(versioned))
    found = repository_histories(versioned, policy, [CARD])
    assert found.note is None
    assert [v.version for v in found.cards[CARD].versions][-3:] == ["1.0.0", "1.1.0", "1.2.0"]


def test_the_site_gets_a_note_rather_than_an_error_outside_git(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    init(folder, example=True)
    (folder / ".git").rename(folder / "not-git")
    policy, _ = read_policy(WorkTree(folder))
    found = repository_histories(folder, policy, [CARD])
    assert found.cards == {} and found.note is not None and "git" in found.note


# --- The example's history ----------------------------------------------------------------


def test_the_example_is_committed_with_three_earlier_versions(tmp_path: Path) -> None:
    done = run(["init", "--example", "demo"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    demo = tmp_path / "demo"
    commits = len(example_history(template_dir()))
    assert git(demo, "rev-list", "--count", "HEAD").strip() == str(commits)
    assert f"with the example's history in {commits} commits" in done.stdout
    result = run(["history", CARD, "--format", "json"], cwd=demo)
    doc = json.loads(result.stdout)
    versions = [(v["version"], v["committed"]) for v in doc["versions"]]
    assert versions == [("1.0.0", True), ("1.1.0", True), ("2.0.0", True), ("2.1.0", False)]
    statuses = {v["version"]: [t["status"] for t in v["targets"]] for v in doc["versions"]}
    assert statuses["1.0.0"] == ["fail", "pass", "missing"]
    assert statuses["1.1.0"] == ["fail", "stale", "pass"]
    assert statuses["2.0.0"] == ["pass", "pass", "pass"]
    signed = {v["version"]: sorted(s["role"] for s in v["signed"]) for v in doc["versions"]}
    assert signed["1.0.0"] == ["ml-engineer", "product-manager"]
    assert signed["1.1.0"] == []
    assert signed["2.1.0"] == ["ml-engineer"]
    # Today's files are the example as ever: check gives its one note, and the history's
    # commits are authored by the example's people.
    checked = run(["check"], cwd=demo)
    assert checked.returncode == 0 and "MT402" in checked.stdout
    authors = set(git(demo, "log", "--format=%ae").split())
    assert authors == {"ada@example.org", "grace@example.org"}


def test_the_example_in_an_existing_repository_gets_no_history(tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    result = init(folder, example=True)
    assert result.history == 0
    assert git(folder, "rev-list", "--all").strip() == ""


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("version: 2.1.0", "2.1.0"),
        ("version: '1.5'", "1.5"),
        ('version: "3"', "3"),
        ("version: v4-rc1  # the candidate", "v4-rc1"),
        ("version: 1.5", None),  # a number to YAML: the card is parsed to read it
        ("version: 2", None),
        ("version: yes", None),
        ("version: 0x1F", None),
    ],
)
def test_the_version_line_is_read_as_yaml_would_or_left_to_the_parser(
    line: str, expected: str | None
) -> None:
    raw = f"---\nid: x\n{line}\ntitle: t\n---\n\nversion: 9.9.9 in the body\n".encode()
    assert quick_version(raw) == expected
    assert quick_version(b"---\nid: x\nnested:\n  version: 1.0.0\n---\n") is None


def _hash(root: Path, content: bytes) -> str:
    path = root / ".blob"
    path.write_bytes(content)
    return git(root, "hash-object", "-w", str(path)).strip()


def test_each_blob_streams_repeats_big_blobs_and_reports_missing_objects(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    small = _hash(root, b"version: 1\n")
    big_content = bytes(range(256)) * (3 * 4096 + 7)  # 3 MiB and more: several reads
    big = _hash(root, big_content)
    empty = _hash(root, b"")
    git(root, "add", ".blob")
    tree = git(root, "write-tree").strip()
    missing = "0123456789abcdef0123456789abcdef01234567"
    with GitRepo.open(root) as repo:
        got = [
            (sha, None if view is None else bytes(view))
            for sha, view in repo.each_blob([small, big, small, missing, tree, empty])
        ]
        assert got == [
            (small, b"version: 1\n"),
            (big, big_content),
            (small, b"version: 1\n"),
            (missing, None),
            (tree, None),  # not a blob
            (empty, b""),
        ]
        stream = repo.each_blob([big, small])
        sha, view = next(stream)
        assert sha == big and view is not None and len(view) == len(big_content)
        stream.close()  # a caller that stops early: git is stopped, nothing raised
        assert list(repo.each_blob([])) == []


def test_the_scan_keeps_only_the_writes_a_version_counts_by(tmp_path: Path) -> None:
    from mltriad.commands.history import _Blobs

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")

    def card(version: str, n: int) -> str:
        return _hash(
            root, f"---\nid: c\nversion: {version}\n---\n# Card\n\nRevision {n}\n".encode()
        )

    a1, a2, b1, a3 = card("1.0.0", 1), card("1.0.0", 2), card("1.1.0", 3), card("1.0.0", 4)
    number = card("1.5", 5)  # a number, as YAML reads it: the card must be parsed
    other = card("2.0.0", 6)
    record = _hash(root, b"role: ml-engineer\n")
    with GitRepo.open(root) as repo:
        blobs = _Blobs(repo)
        writes = [("c", 1, a1), ("c", 2, a2), ("c", 4, b1), ("c", 5, a3), ("d", 6, other)]
        writes.append(("c", 7, number))  # out of order: the scan sorts them
        blobs.scan(writes, [record])
    assert blobs.versions == {
        a1: "1.0.0",
        a2: "1.0.0",
        b1: "1.1.0",
        a3: "1.0.0",
        number: None,
        other: "2.0.0",
    }
    # Kept: the record; the last write before each change of version (a2, b1, a3); the
    # card that takes a parse; each card's last write. Not a1, which no version counts by.
    assert set(blobs.cache) == {record, a2, b1, a3, number, other}
    assert blobs.cache[a3].endswith(b"Revision 4\n")


@pytest.mark.parametrize(
    "raw",
    [
        b"---\nversion: 1.0.0\n---\n",
        b"---\r\nid: x\r\nversion: '2.0'  # a comment\r\n---\r\n",
        b"---\nid: x\n  version: 1.0.0\nnote: the version: 3\nversion: v4\n---\n",
        b"---\nxversion: 1\nversion:\nversion: 2.0.0\n---\n",
        b"---version: 9\n---\n",  # not a line of its own
        b"---\nid: x\nversion: 1.0.0\n---\nversion: 5.0.0 in the body\n",
    ],
)
def test_version_lines_are_found_as_the_regex_finds_them(raw: bytes) -> None:
    from mltriad.commands.history import _VERSION_LINE, _version_lines

    end = raw.find(b"\n---", 3)
    assert _version_lines(raw, 3, end) == _VERSION_LINE.findall(raw, 3, end)


def test_git_calls_that_overlap_in_threads_leave_the_environment_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The site reads history in a thread while the main thread may run git too: git's
    variables stay out while any call runs, and come back once the last one ends."""
    import os
    import threading

    from mltriad.gitrepo import _scrubbed_environ

    monkeypatch.setenv("GIT_DIR", "/elsewhere/.git")
    inside, release = threading.Event(), threading.Event()
    seen: list[str | None] = []

    def other() -> None:
        with _scrubbed_environ():
            seen.append(os.environ.get("GIT_DIR"))
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(10)
    with _scrubbed_environ():
        seen.append(os.environ.get("GIT_DIR"))
    seen.append(os.environ.get("GIT_DIR"))  # the other call still runs: still out
    release.set()
    thread.join(10)
    assert seen == [None, None, None]
    assert os.environ["GIT_DIR"] == "/elsewhere/.git"


def test_a_block_made_later_marks_its_page_and_is_filled_in(tmp_path: Path) -> None:
    from mltriad.site.pages.common import Page

    page = Page("A card")
    page.html("<p>now</p>")
    page.html(lambda: "<p>later</p>")
    rendered = page.render()
    assert rendered.waits and not Page("Plain").render().waits
    assert rendered.fill(rendered.markdown).count("<p>") == 2
