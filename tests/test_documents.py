"""The parser: plain data with positions, and a located ParseError for every bad input."""

from __future__ import annotations

import pytest

from mltriad.documents import parse_markdown, parse_yaml
from mltriad.findings import ParseError


def error_of(raw: bytes, markdown: bool = False) -> ParseError:
    with pytest.raises(ParseError) as info:
        (parse_markdown if markdown else parse_yaml)("f", raw)
    return info.value


def test_plain_data_keeps_dates_and_yaml12_booleans_as_text() -> None:
    doc = parse_yaml("f", b"date: 2026-01-10\nlanguage: no\nflag: true\nn: 3\nx: 1.5\nnull_: ~\n")
    assert doc.data == {
        "date": "2026-01-10",
        "language": "no",
        "flag": True,
        "n": 3,
        "x": 1.5,
        "null_": None,
    }


def test_locate_points_at_values_and_keys() -> None:
    doc = parse_yaml("f", b"a: 1\ntargets:\n  - metric: recall\n    min: 0.8\n")
    assert doc.locate(["targets", 0, "min"]) == (4, 10)
    assert doc.locate(["targets", 0, "min"], key=True) == (4, 5)
    assert doc.locate(["targets", 5]) == (3, 3)  # deepest existing parent
    assert doc.locate([]) == (1, 1)


def test_front_matter_lines_are_file_lines() -> None:
    doc = parse_markdown("f.md", b"---\nid: x\nstatus: draft\n---\n# Title\n\nBody\n")
    assert doc.has_front_matter
    assert doc.data == {"id": "x", "status": "draft"}
    assert doc.locate(["status"]) == (3, 9)
    assert doc.body == "# Title\n\nBody\n"
    assert doc.body_line == 5


def test_markdown_without_front_matter_is_body_only() -> None:
    doc = parse_markdown("f.md", b"# Just a title\n")
    assert not doc.has_front_matter and doc.data is None and doc.body == "# Just a title\n"


@pytest.mark.parametrize(
    ("raw", "markdown", "rule", "line"),
    [
        (b"a: [1, 2\nb: 3\n", False, "MT001", 2),
        (b"a: 1\n\tb: 2\n", False, "MT001", 2),
        (b"status: draft\nid: x\nstatus: production\n", False, "MT002", 3),
        (b"---\nid: x\nid: y\n---\n", True, "MT002", 3),
        (b"id: caf\xe9\n", False, "MT003", 1),
        (b"a: 1\nb: \x00\n", False, "MT003", 2),
        (b"---\nid: x\n# never closed\n", True, "MT009", 1),
        (b"", False, "MT010", 1),
        (b"# only a comment\n", False, "MT010", 1),
        (b"---\n---\nbody\n", True, "MT010", 1),
        (b"a: !!python/object:os.system {}\n", False, "MT011", 1),
        (b"a: !custom x\n", False, "MT011", 1),
        (b"- a\n- b\n", False, "MT013", 1),
        (b"? [a, b]\n: c\n", False, "MT014", 1),
    ],
)
def test_bad_input_is_a_located_error(raw: bytes, markdown: bool, rule: str, line: int) -> None:
    error = error_of(raw, markdown)
    assert (error.rule_id, error.line) == (rule, line), error.message


def test_tab_message_says_to_use_spaces() -> None:
    assert "spaces" in error_of(b"a:\n\tb: 2\n").message


def test_byte_order_mark_is_a_warning_not_an_error() -> None:
    doc = parse_yaml("f", b"\xef\xbb\xbfid: x\n")
    assert doc.data == {"id": "x"}
    assert [w.rule_id for w in doc.warnings] == ["MT004"]


def test_billion_laughs_stops_at_the_node_budget() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    error = error_of("\n".join(lines).encode())
    assert error.rule_id == "MT006"


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_flow_nesting_is_refused_without_crashing(depth: int) -> None:
    error = error_of(b"a: " + b"[" * depth + b"]" * depth + b"\n")
    assert error.rule_id == "MT007"


def test_deep_block_nesting_is_refused() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "k: v\n"
    assert error_of(text.encode()).rule_id == "MT007"


def test_merge_keys_are_supported() -> None:
    doc = parse_yaml("f", b"base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n")
    assert doc.data["child"] == {"x": 1, "y": 3}


def test_crlf_files_parse_with_the_same_positions() -> None:
    doc = parse_markdown("f.md", b"---\r\nid: x\r\nstatus: draft\r\n---\r\n# T\r\n")
    assert doc.data == {"id": "x", "status": "draft"}
    assert doc.locate(["status"]) == (3, 9)
