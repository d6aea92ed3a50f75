"""Hostile and broken files: each is a located finding (or exit 2), never a traceback,
never a read outside the repository, and never slow."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from tests.helpers import invoke, make_repo

CARD = "model-cards/fraud-detector.md"
EVAL = "eval-sets/fraud-holdout.yaml"

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
).encode()


def write(repo: Path, path: str, content: bytes) -> None:
    (repo / path).write_bytes(content)


CASES: dict[str, tuple[str, bytes, str, int]] = {
    "malformed YAML": (EVAL, b"id: fraud-holdout\nslices: [\n  {name: x\n", "MT001", 4),
    "duplicate keys": (EVAL, b"id: fraud-holdout\nid: again\n", "MT002", 2),
    "missing front matter": (CARD, b"# Fraud detector\n\nNo metadata.\n", "MT008", 1),
    "unclosed front matter": (CARD, b"---\nid: fraud-detector\n# Title\n", "MT009", 1),
    "empty file": (EVAL, b"", "MT010", 1),
    "non-UTF-8 bytes": (EVAL, b"id: fraud-holdout\ndescription: caf\xe9\n", "MT003", 2),
    "tabs": (EVAL, b"id: fraud-holdout\n\tdescription: x\n", "MT001", 2),
    "billion laughs": (EVAL, BILLION_LAUGHS, "MT006", 1),
    "deep nesting": (EVAL, b"a: " + b"[" * 50_000 + b"]" * 50_000 + b"\n", "MT007", 1),
    "python tag": (EVAL, b"id: !!python/object/apply:os.system ['echo hi']\n", "MT011", 1),
    "a 5,000-digit integer": (EVAL, b"id: fraud-holdout\nn: " + b"9" * 5000 + b"\n", "MT016", 2),
    "a 5,000-digit hex integer": (
        EVAL,
        b"id: fraud-holdout\nn: 0x" + b"f" * 5000 + b"\n",
        "MT016",
        2,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_is_a_located_finding(case: str, repo: Path) -> None:
    path, content, rule, line = CASES[case]
    write(repo, path, content)
    started = time.monotonic()
    result = invoke(["-C", str(repo), "check", path])
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}:" in result.output and f"error {rule}:" in result.output, result.output
    assert "Traceback" not in result.output
    assert elapsed < 5, f"{case} took {elapsed:.1f}s"  # a guard against hangs, not a benchmark


def test_base_60_numbers_are_strings_and_read_in_linear_time(repo: Path) -> None:
    """YAML 1.1 read `1:59:59:...` as one huge base-60 integer, in quadratic time (about
    17 s for 600 KB); YAML 1.2, and mltriad, read it as a string."""
    sixty = b":".join([b"59"] * 200_000)  # 600 KB
    text = (repo / EVAL).read_bytes() + b"x-duration: " + sixty + b"\n"
    write(repo, EVAL, text)
    started = time.monotonic()
    result = invoke(["-C", str(repo), "check", EVAL, "--format", "json"])
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.output
    assert elapsed < 3, f"took {elapsed:.1f}s"  # a guard against the quadratic case


def test_a_short_base_60_value_reads_as_the_string_written(tmp_path: Path) -> None:
    from mltriad.documents import parse_yaml

    doc = parse_yaml("x.yaml", b"duration: 1:30:00\nratio: 1:2\n")
    assert doc.data == {"duration": "1:30:00", "ratio": "1:2"}


def test_byte_order_mark_is_a_warning_and_the_file_still_checks(repo: Path) -> None:
    content = (repo / EVAL).read_bytes()
    write(repo, EVAL, b"\xef\xbb\xbf" + content)
    result = invoke(["-C", str(repo), "check", EVAL])
    assert result.exit_code == 0, result.output
    assert f"{EVAL}:1:1: warning MT004" in result.output


def test_fifty_megabyte_file_is_refused_without_reading_it(repo: Path) -> None:
    with open(repo / EVAL, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    started = time.monotonic()
    result = invoke(["-C", str(repo), "check", EVAL])
    assert result.exit_code == 1
    assert "MT005" in result.output and "52,428,800 bytes" in result.output
    assert time.monotonic() - started < 5


def test_symlink_out_of_the_repository_is_not_read(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\npassword: hunter2\n")
    os.symlink(secret, repo / "eval-sets" / "leak.yaml")
    result = invoke(["-C", str(repo), "check"])
    assert result.exit_code == 1
    assert "eval-sets/leak.yaml:1:1: error MT012" in result.output
    assert "hunter2" not in result.output


@pytest.mark.parametrize("args", [["check"], ["check", "model-cards/loop.md"]])
def test_a_symlink_loop_is_a_finding_not_a_crash(repo: Path, args: list[str]) -> None:
    (repo / "model-cards" / "loop.md").symlink_to("loop.md")
    result = invoke(["-C", str(repo), *args])
    assert result.exit_code == 1
    assert (
        "model-cards/loop.md:1:1: error MT015: 'model-cards/loop.md' cannot be read: "
        "Too many levels of symbolic links; it was not checked"
    ) in result.output


def test_reference_escaping_the_repository_is_refused(repo: Path) -> None:
    text = (
        (repo / EVAL)
        .read_text()
        .replace("label_spec: docs/labels/fraud.md", "label_spec: ../../../../etc/passwd")
    )
    (repo / EVAL).write_text(text)
    result = invoke(["-C", str(repo), "check", EVAL])
    assert result.exit_code == 1
    assert "MT012" in result.output and "outside the repository" in result.output


def test_symlinked_reference_escaping_the_repository_is_missing(repo: Path) -> None:
    os.symlink("/etc/hostname", repo / "docs" / "labels" / "evil.md")
    text = (repo / EVAL).read_text().replace("docs/labels/fraud.md", "docs/labels/evil.md")
    (repo / EVAL).write_text(text)
    result = invoke(["-C", str(repo), "check", EVAL])
    assert result.exit_code == 1 and "MT213" in result.output


def test_path_argument_outside_the_repository_is_a_usage_error(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("x")
    result = invoke(["-C", str(repo), "check", str(outside)])
    assert result.exit_code == 2 and "outside the repository" in result.output


def test_a_colon_in_prose_says_to_quote_the_value_at_its_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    card = repo / "decisions" / "0002-use-gradient-boosting.md"
    text = card.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(text) if line.startswith("status:"))
    text[at] = "status: accepted: after the review"
    card.write_text("\n".join(text), encoding="utf-8")
    result = invoke(["check", "decisions/0002-use-gradient-boosting.md"], cwd=repo)
    assert result.exit_code == 1
    # libyaml says "in this context", PyYAML's own parser "here".
    assert re.search(
        rf"^decisions/0002-use-gradient-boosting\.md:{at + 1}:17: error MT001: invalid YAML: "
        r"mapping values are not allowed (here|in this context); a value that holds ': ' "
        r'must be quoted, for example `key: "text: more text"`$',
        result.output,
        re.MULTILINE,
    ), result.output
