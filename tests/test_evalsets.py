"""Evaluation sets: ownership shares, the production sample, the owner, and data checksums,
in real git repositories made from the example repository."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from mltriad.artifacts import Repository
from mltriad.commands.check import check
from mltriad.evalsets import (
    DataFile,
    FileStatus,
    case_shares,
    check_data_file,
    check_data_files,
    load_eval_set,
    ownership,
    read_lfs_pointer,
    sha256_file,
    sha256_stream,
)
from mltriad.findings import Finding, Severity
from mltriad.policy import read_policy
from mltriad.snapshot import WorkTree
from tests.helpers import git, invoke, replace_text

MANIFEST = "eval-sets/fraud-holdout.yaml"
NEW_MERCHANTS = "data/fraud-holdout/new-merchants.csv"


def findings(repo: Path, rule_prefix: str = "MT30") -> list[Finding]:
    """The evaluation-set findings (editing a manifest also makes the card's results stale)."""
    return [f for f in check(repo).findings if f.rule.startswith(rule_prefix)]


def repository(repo: Path) -> Repository:
    snapshot = WorkTree(repo)
    policy, _ = read_policy(snapshot)
    return Repository(snapshot, policy)


# --- the example and its ownership ---------------------------------------------------------


def test_example_repository_has_no_findings(repo: Path) -> None:
    result = check(repo)
    assert result.findings == []
    assert result.verdicts == {"model-cards/fraud-detector.md": "meets targets"}


def test_case_shares_per_role_for_the_site(repo: Path) -> None:
    repo_ = repository(repo)
    eval_set = load_eval_set(repo_, "fraud-holdout")
    assert eval_set is not None
    shares = case_shares(eval_set, repo_.policy)
    assert [(s.role, s.cases, s.counted) for s in shares] == [
        ("ml-engineer", 400, False),
        ("product-manager", 600, True),
        ("domain-expert", 300, True),
    ]
    assert sum(s.share for s in shares) == pytest.approx(1.0)
    assert shares[1].slices == ("production-sample",)
    measured = ownership(eval_set, repo_.policy)
    assert measured.share == pytest.approx(900 / 1300)
    assert measured.ok and measured.has_production_sample


def test_ml_engineer_defining_most_cases_fails_with_the_measured_share(repo: Path) -> None:
    replace_text(repo, MANIFEST, "cases: 400", "cases: 2000")
    [found] = [f for f in findings(repo) if f.rule == "MT301"]
    assert found.path == MANIFEST and found.line == 10 and found.severity is Severity.ERROR
    assert "define 900 of 2,900 cases (31.0%)" in found.message
    assert "requires at least 50%" in found.message
    assert "ml-engineer 2,000" in found.message


def test_init_example_passes_and_its_ml_engineer_variant_fails(tmp_path: Path) -> None:
    target = tmp_path / "example"
    assert invoke(["init", "--example", str(target)]).exit_code == 0
    result = check(target)
    assert [f for f in result.findings if f.rule.startswith("MT3")] == []
    assert result.verdicts == {"model-cards/fraud-detector.md": "meets targets"}
    replace_text(target, MANIFEST, "cases: 400", "cases: 2000")
    [found] = findings(target, "MT301")
    assert "define 900 of 2,900 cases (31.0%)" in found.message
    assert "requires at least 50%" in found.message


def test_share_exactly_at_the_minimum_passes(repo: Path) -> None:
    replace_text(repo, MANIFEST, "cases: 400", "cases: 900")  # 900 of 1,800: one half
    assert [f for f in findings(repo) if f.rule == "MT301"] == []


def test_policy_share_settings_apply(repo: Path) -> None:
    replace_text(repo, "triad.yaml", "signoff:", "eval-sets:\n  min_share: 0.75\nsignoff:")
    [found] = [f for f in findings(repo) if f.rule == "MT301"]
    assert "(69.2%)" in found.message and "at least 75%" in found.message


def test_unknown_roles_appear_in_the_shares_but_do_not_count(repo: Path) -> None:
    replace_text(repo, MANIFEST, "defined_by: domain-expert", "defined_by: data-vendor")
    repo_ = repository(repo)
    eval_set = load_eval_set(repo_, "fraud-holdout")
    assert eval_set is not None
    shares = {s.role: s for s in case_shares(eval_set, repo_.policy)}
    assert shares["data-vendor"].cases == 300 and not shares["data-vendor"].counted
    assert shares["domain-expert"].cases == 0
    rules = {f.rule for f in check(repo).findings}
    assert "MT201" in rules  # the unknown role itself is the references rule's finding


def test_no_production_sample(repo: Path) -> None:
    replace_text(repo, MANIFEST, "source: production", "source: expert")
    [found] = [f for f in findings(repo) if f.rule == "MT302"]
    assert "none of the 3 slice(s) has source: production" in found.message


def test_an_empty_production_slice_is_no_sample(repo: Path) -> None:
    replace_text(repo, MANIFEST, "cases: 600", "cases: 0")
    found = {f.rule: f for f in findings(repo)}
    assert "production-sample hold 0 cases" in found["MT302"].message
    assert "define 300 of 700 cases (42.9%)" in found["MT301"].message


def test_production_sample_can_be_switched_off(repo: Path) -> None:
    replace_text(repo, MANIFEST, "source: production", "source: expert")
    replace_text(
        repo, "triad.yaml", "signoff:", "eval-sets:\n  require_production_sample: false\nsignoff:"
    )
    assert findings(repo) == []


def test_owner_role_without_members(repo: Path) -> None:
    replace_text(
        repo,
        "triad.yaml",
        "  domain-expert:\n",
        "  data-steward:\n    members: []\n  domain-expert:\n",
    )
    replace_text(repo, MANIFEST, "owner: product-manager", "owner: data-steward")
    [found] = [f for f in findings(repo) if f.rule == "MT303"]
    assert "'data-steward' has 0 members" in found.message and found.line == 7


def test_duplicate_slice_names(repo: Path) -> None:
    replace_text(repo, MANIFEST, "name: synthetic-attacks", "name: new-merchants")
    [found] = [f for f in findings(repo) if f.rule == "MT306"]
    assert "slices[2] is named 'new-merchants'" in found.message


# --- data files ----------------------------------------------------------------------------


def test_changed_data_file_states_both_checksums(repo: Path) -> None:
    data = repo / NEW_MERCHANTS
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("legit", "fraud", 1), encoding="utf-8")  # same size
    actual = hashlib.sha256(data.read_bytes()).hexdigest()
    [found] = findings(repo, "MT304")
    assert found.severity is Severity.ERROR and found.line == 27
    assert f"has 8,043 bytes with sha256 {actual}" in found.message
    assert "records 8,043 bytes with sha256 b3d535cdc649c95e" in found.message


def test_changed_size_is_reported_without_hashing(repo: Path) -> None:
    with (repo / NEW_MERCHANTS).open("a", encoding="utf-8") as handle:
        handle.write("nm-00301,3,12.00,DE,fraud\n")
    [found] = findings(repo, "MT304")
    assert "has 8,069 bytes, but the manifest records 8,043 bytes" in found.message


def test_absent_data_file_is_a_note_not_an_error(repo: Path) -> None:
    (repo / NEW_MERCHANTS).unlink()
    result = check(repo)
    [found] = result.findings
    assert found.rule == "MT305" and found.severity is Severity.INFO
    assert "not in the working tree" in found.message and result.ok
    output = invoke(["-C", str(repo), "check"]).output
    assert "info MT305" in output and "1 note" in output


def test_data_file_outside_the_repository(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("x\n", encoding="utf-8")
    (repo / NEW_MERCHANTS).unlink()
    (repo / NEW_MERCHANTS).symlink_to(outside)
    [found] = [f for f in check(repo).findings if f.rule == "MT012"]
    assert "leads outside the repository" in found.message
    replace_text(repo, MANIFEST, f"path: {NEW_MERCHANTS}", "path: ../elsewhere.csv")
    assert any(f.rule == "MT012" for f in check(repo).findings)


def test_data_file_without_recorded_size_compares_the_checksum(repo: Path) -> None:
    replace_text(repo, MANIFEST, "        size: 8043\n", "")
    assert findings(repo) == []
    (repo / NEW_MERCHANTS).write_text("different\n", encoding="utf-8")
    [found] = findings(repo, "MT304")
    assert "records any size with sha256 b3d535cdc649c95e" in found.message


def test_data_files_in_a_commit_snapshot(repo: Path) -> None:
    """A snapshot that is not the working tree is read through read_bytes, within a limit."""

    class Commit:
        label = "commit abc1234"

        def read_bytes(self, path: str, limit: int = 5 * 1024 * 1024) -> bytes:
            return WorkTree(repo).read_bytes(path, limit)

        def exists(self, path: str) -> bool:
            return WorkTree(repo).exists(path)

        def glob(self, pattern: str) -> list[str]:
            return WorkTree(repo).glob(pattern)

    eval_set = load_eval_set(repository(repo), "fraud-holdout")
    assert eval_set is not None
    checked = check_data_files(eval_set, Commit())
    assert [c.status for c in checked] == [FileStatus.MATCH, FileStatus.MATCH]
    small = check_data_files(eval_set, Commit(), limit=10_000)
    assert [c.status for c in small] == [FileStatus.NOT_VERIFIED, FileStatus.MATCH]


def test_committed_example_checks_clean_after_a_fresh_clone(repo: Path, tmp_path: Path) -> None:
    """Line endings of data files survive git: .gitattributes marks them -text."""
    clone = tmp_path / "clone"
    git(tmp_path, "-c", "core.autocrlf=true", "clone", "-q", str(repo), str(clone))
    assert check(clone).findings == []


# --- hashing and pointers ------------------------------------------------------------------


def test_sha256_stream_matches_hashlib_across_chunk_boundaries() -> None:
    data = bytes(range(256)) * 1000 + b"tail"
    expected = hashlib.sha256(data).hexdigest()
    for chunk in (1, 7, 4096, 1 << 20):
        assert sha256_stream(io.BytesIO(data), chunk) == (expected, len(data))


def test_sha256_of_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha256_file(empty) == (hashlib.sha256(b"").hexdigest(), 0)


POINTER = (
    b"version https://git-lfs.github.com/spec/v1\n"
    b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    b"size 12345\n"
)


def test_lfs_pointer_in_the_documented_format() -> None:
    pointer = read_lfs_pointer(POINTER)
    assert pointer is not None
    assert pointer.oid == "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
    assert pointer.size == 12345
    with_extension = POINTER.replace(b"oid", b"ext-0-foo sha256:" + b"0" * 64 + b"\noid")
    assert read_lfs_pointer(with_extension) == pointer


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"payment_id,label\n",
        POINTER.replace(b"git-lfs.github.com", b"example.org"),
        POINTER.replace(b"size 12345", b"size many"),
        POINTER.replace(b"sha256:4d7a", b"md5:4d7a"),
        POINTER.replace(b"\nsize 12345\n", b"\n"),
        POINTER + b"size 1\n",
        POINTER + b"x" * 1024,
        b"version https://git-lfs.github.com/spec/v1\n\xff\xfe\n",
    ],
)
def test_not_lfs_pointers(raw: bytes) -> None:
    assert read_lfs_pointer(raw) is None


def test_hand_written_pointer_is_compared_by_oid_and_size(tmp_path: Path) -> None:
    """A pointer written by hand in the documented format (git-lfs docs/spec.md)."""
    (tmp_path / "holdout.parquet").write_bytes(POINTER)
    oid = "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"
    tree = WorkTree(tmp_path)
    same = DataFile("holdout.parquet", oid, 12345, ("slices", 0, "files", 0))
    assert check_data_file(tree, same, 1024).status is FileStatus.MATCH
    other_size = DataFile("holdout.parquet", oid, 999, ("slices", 0, "files", 0))
    result = check_data_file(tree, other_size, 1024)
    assert result.status is FileStatus.CHANGED and result.lfs and result.size == 12345
