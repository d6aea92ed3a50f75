"""Property-based: random bytes and random YAML never make the parser or checker raise."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltriad.commands.check import check
from mltriad.documents import parse_markdown, parse_yaml
from mltriad.findings import ParseError
from tests.helpers import EXAMPLE_REPO

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

yaml_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["draft", "production", "2026-01-10", "no", "~", "&a", "*a", "{", "[", "---"]),
)
yaml_data = st.recursive(
    yaml_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "status",
                    "owners",
                    "targets",
                    "slices",
                    "metric",
                    "min",
                    "eval_sets",
                    "supersedes",
                    "role",
                    "artifact",
                    "digest",
                    "x",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)


def parse_never_raises_other_than_parse_error(raw: bytes) -> None:
    for parser in (parse_yaml, parse_markdown):
        try:
            parser("f", raw)
        except ParseError as exc:
            assert exc.line >= 1 and exc.col >= 1 and exc.rule_id.startswith("MT0")


@FAST
@given(st.binary(max_size=400))
def test_random_bytes(raw: bytes) -> None:
    parse_never_raises_other_than_parse_error(raw)
    parse_never_raises_other_than_parse_error(b"---\n" + raw + b"\n---\nbody\n")


@FAST
@given(st.text(alphabet="ab: -[]{}&*!|>#'\"\n\t?,.%@`0", max_size=200))
def test_random_yaml_like_text(text: str) -> None:
    parse_never_raises_other_than_parse_error(text.encode("utf-8"))


def fresh_repo() -> Path:
    root = Path(tempfile.mkdtemp(prefix="mltriad-fuzz-"))
    shutil.copytree(EXAMPLE_REPO, root / "repo")
    return root / "repo"


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        [
            "model-cards/fraud-detector.md",
            "decisions/0002-use-gradient-boosting.md",
            "eval-sets/fraud-holdout.yaml",
        ]
    ),
    yaml_data,
    st.booleans(),
)
def test_checker_on_random_artifacts_gives_findings_not_exceptions(
    path: str, data: Any, as_mapping: bool
) -> None:
    repo = fresh_repo()
    try:
        body = yaml.safe_dump({"id": data} if as_mapping else data, allow_unicode=True)
        content = f"---\n{body}---\n# T\n" if path.endswith(".md") else body
        (repo / path).write_text(content, encoding="utf-8")
        result = check(repo)
        assert all(f.path and f.line >= 1 and f.rule.startswith("MT") for f in result.findings)
    finally:
        shutil.rmtree(repo.parent)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_checker_on_random_bytes_in_every_kind(raw: bytes) -> None:
    repo = fresh_repo()
    try:
        for path in (
            "model-cards/fraud-detector.md",
            "eval-sets/fraud-holdout.yaml",
            "decisions/0001-use-logistic-regression.md",
        ):
            (repo / path).write_bytes(raw)
        result = check(repo)
        assert result.findings  # random bytes are never a valid artifact
    finally:
        shutil.rmtree(repo.parent)
