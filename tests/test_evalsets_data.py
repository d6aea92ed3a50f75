"""Data files for real: Git LFS pointers made by git-lfs, and a large file hashed in
constant memory, in process and through the installed command."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from mltriad.artifacts import parse
from mltriad.commands.check import check
from mltriad.evalsets import (
    CHUNK_SIZE,
    DataFile,
    EvalSet,
    FileStatus,
    check_data_file,
    check_data_files,
    sha256_file,
)
from mltriad.gitrepo import GitRepo
from mltriad.snapshot import WorkTree
from tests.helpers import EXAMPLE_REPO, commit_all, git, make_repo, mltriad_exe

LARGE_BYTES = 320 * 1024 * 1024

needs_git_lfs = pytest.mark.skipif(
    shutil.which("git-lfs") is None, reason="git-lfs is not installed"
)


def add_data_slice(repo: Path, path: str, sha256: str, size: int) -> None:
    """Give the example's synthetic slice a data file."""
    manifest = repo / "eval-sets" / "fraud-holdout.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.rstrip("\n")
        + f"\n    files:\n      - path: {path}\n        sha256: {sha256}\n        size: {size}\n",
        encoding="utf-8",
    )


def data_findings(repo: Path) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in check(repo).findings if f.rule.startswith("MT30")]


# --- Git LFS ----------------------------------------------------------------------------


@pytest.fixture
def lfs_clone(tmp_path: Path) -> Iterator[tuple[Path, str, int]]:
    """A repository whose data file is stored with git-lfs, cloned without fetching LFS
    objects: the clone's working tree holds the pointer, not the data."""
    source = make_repo(tmp_path / "source", EXAMPLE_REPO, commit=False)
    git(source, "lfs", "install", "--local")
    git(source, "lfs", "track", "data/attacks/*.bin")
    data = source / "data" / "attacks" / "bursts.bin"
    data.parent.mkdir(parents=True)
    data.write_bytes(os.urandom(64 * 1024))
    sha256, size = hashlib.sha256(data.read_bytes()).hexdigest(), data.stat().st_size
    add_data_slice(source, "data/attacks/bursts.bin", sha256, size)
    commit_all(source, "synthetic attacks in git-lfs")
    assert "data/attacks/bursts.bin" in git(source, "lfs", "ls-files", "--name-only")
    clone = tmp_path / "clone"
    env = {"GIT_LFS_SKIP_SMUDGE": "1"}
    git(tmp_path, "clone", "-q", str(source), str(clone), env=env)
    yield clone, sha256, size


@needs_git_lfs
def test_real_lfs_pointer_matches_the_manifest_without_download(
    lfs_clone: tuple[Path, str, int],
) -> None:
    clone, sha256, size = lfs_clone
    pointer = (clone / "data/attacks/bursts.bin").read_bytes()
    assert pointer.startswith(b"version https://git-lfs.github.com/spec/v1\n")
    assert f"oid sha256:{sha256}".encode() in pointer
    assert data_findings(clone) == []
    result = check_data_file(
        WorkTree(clone), DataFile("data/attacks/bursts.bin", sha256, size, ()), 1024
    )
    assert result.status is FileStatus.MATCH and result.lfs and result.size == size
    assert not (clone / ".git" / "lfs" / "objects").exists(), "the LFS object was downloaded"


@needs_git_lfs
def test_real_lfs_pointer_with_another_oid_is_a_mismatch(lfs_clone: tuple[Path, str, int]) -> None:
    clone, sha256, size = lfs_clone
    manifest = clone / "eval-sets" / "fraud-holdout.yaml"
    other = hashlib.sha256(b"other data").hexdigest()
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(sha256, other), encoding="utf-8"
    )
    [(rule, message)] = data_findings(clone)
    assert rule == "MT304"
    assert f"is a Git LFS pointer to an object of {size:,} bytes with sha256 {sha256}" in message
    assert f"records {size:,} bytes with sha256 {other}" in message


@needs_git_lfs
def test_real_lfs_pointer_with_another_size_is_a_mismatch(lfs_clone: tuple[Path, str, int]) -> None:
    clone, _, size = lfs_clone
    manifest = clone / "eval-sets" / "fraud-holdout.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(f"size: {size}", "size: 1"), encoding="utf-8"
    )
    [(rule, message)] = data_findings(clone)
    assert (
        rule == "MT304" and f"object of {size:,} bytes" in message and "records 1 bytes" in message
    )


@needs_git_lfs
def test_lfs_file_checked_out_with_its_content_is_hashed(tmp_path: Path) -> None:
    """Where the LFS object is present, the working tree has the data itself."""
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    git(repo, "lfs", "install", "--local")
    git(repo, "lfs", "track", "*.bin")
    data = repo / "bursts.bin"
    data.write_bytes(b"\x00\x01" * 5000)
    add_data_slice(repo, "bursts.bin", hashlib.sha256(data.read_bytes()).hexdigest(), 10000)
    commit_all(repo, "data in lfs")
    assert git(repo, "show", "HEAD:bursts.bin").startswith("version https://git-lfs")
    assert data.read_bytes() == b"\x00\x01" * 5000  # smudged content, not a pointer
    assert data_findings(repo) == []


@needs_git_lfs
def test_lfs_pointer_read_from_a_commit(tmp_path: Path) -> None:
    """In a commit the LFS file is its pointer, whatever the working tree holds."""
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    git(repo, "lfs", "install", "--local")
    git(repo, "lfs", "track", "*.bin")
    (repo / "bursts.bin").write_bytes(b"\x07" * 3000)
    add_data_slice(repo, "bursts.bin", hashlib.sha256(b"\x07" * 3000).hexdigest(), 3000)
    head = commit_all(repo, "data in lfs")
    opened = GitRepo.open(repo)
    try:
        tree = opened.tree(head, f"commit {head[:7]}")
        manifest = tree.read_bytes("eval-sets/fraud-holdout.yaml")
        eval_set = EvalSet.from_artifact(
            parse("eval-set", "eval-sets/fraud-holdout.yaml", manifest)
        )
        checked = check_data_files(eval_set, tree)
    finally:
        opened.close()
    assert [(c.status, c.lfs) for c in checked] == [
        (FileStatus.MATCH, False),
        (FileStatus.MATCH, False),
        (FileStatus.MATCH, True),
    ]


# --- a large file ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A sparse file of LARGE_BYTES and its sha256 as coreutils' sha256sum computes it."""
    path = tmp_path_factory.mktemp("large") / "holdout.bin"
    with path.open("wb") as handle:
        handle.truncate(LARGE_BYTES)
        handle.seek(LARGE_BYTES - 5)
        handle.write(b"tail\n")
    if shutil.which("sha256sum"):
        out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
        expected = out.stdout.split()[0]
    else:  # pragma: no cover - sha256sum is part of coreutils
        expected = hashlib.sha256(path.read_bytes()).hexdigest()
    return path, expected


def test_large_file_is_hashed_in_constant_memory(large_file: tuple[Path, str]) -> None:
    path, expected = large_file
    tracemalloc.start()
    try:
        digest, size = sha256_file(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (digest, size) == (expected, LARGE_BYTES)
    assert peak < 2 * CHUNK_SIZE + 256 * 1024, f"hashing used {peak:,} bytes at its peak"


@pytest.mark.slow
def test_check_streams_a_large_data_file(large_file: tuple[Path, str], tmp_path: Path) -> None:
    """`mltriad check` in a real process: the data is verified and the process stays far
    smaller than the file (peak resident memory measured by the kernel)."""
    path, expected = large_file
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    (repo / "data" / "large").mkdir(parents=True)
    os.link(path, repo / "data" / "large" / "holdout.bin")
    add_data_slice(repo, "data/large/holdout.bin", expected, LARGE_BYTES)
    peak_kib, report = _check_in_child(repo)
    assert [f for f in report["findings"] if f["rule"].startswith("MT30")] == []
    assert peak_kib * 1024 < LARGE_BYTES / 4, f"mltriad check peaked at {peak_kib:,} KiB"

    wrong = "0000" + expected[4:]
    manifest = repo / "eval-sets" / "fraud-holdout.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(expected, wrong), encoding="utf-8"
    )
    _, report = _check_in_child(repo)
    [mismatch] = [f for f in report["findings"] if f["rule"] == "MT304"]
    assert f"{LARGE_BYTES:,} bytes with sha256 {expected}" in mismatch["message"]


def _check_in_child(repo: Path) -> tuple[int, dict[str, list[dict[str, str]]]]:
    """Run `mltriad check --format json` from a small Python parent that reports the peak
    resident memory of its children (Linux reports ru_maxrss in KiB)."""
    script = (
        "import json, resource, subprocess, sys\n"
        "out = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'peak': peak, 'stdout': out.stdout, 'stderr': out.stderr}))\n"
    )
    args = [sys.executable, "-c", script, mltriad_exe(), "-C", str(repo), "check"]
    done = subprocess.run([*args, "--format", "json"], capture_output=True, text=True, check=True)
    child = json.loads(done.stdout)
    assert child["stderr"] == "", child["stderr"]
    return int(child["peak"]), json.loads(child["stdout"])
