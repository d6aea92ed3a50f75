"""`mltriad adopt` over every file of the corpus: nothing lost, nothing changed twice, and
what it writes passes `mltriad check` but for the placeholders it leaves for people."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mltriad.documents import parse_markdown
from tests.helpers import CORPUS, CORPUS_FOLDERS, EXAMPLE_REPO, corpus_files, invoke, make_repo

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus is not here")

DECISIONS = ("adr-madr", "adr-madr2-log4brains", "adr-nygard-govuk")
CARDS = ("hf-model-cards", "mct-json")


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def adopt_json(args: list[str], cwd: Path) -> dict[str, Any]:
    result = invoke(["adopt", *args, "--format", "json"], cwd=cwd)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """A copy of the corpus adopted in place, and adopt's JSON report of it."""
    folder = tmp_path_factory.mktemp("corpus")
    for name in CORPUS_FOLDERS:
        shutil.copytree(CORPUS / name, folder / name)
    yield folder, adopt_json(list(CORPUS_FOLDERS), folder)


@pytest.mark.parametrize("name", corpus_files())
def test_the_text_of_every_corpus_file_is_kept_byte_for_byte(
    adopted: tuple[Path, dict[str, Any]], name: str
) -> None:
    folder, _ = adopted
    original = (CORPUS / name).read_bytes()
    now = (folder / name).read_bytes()
    if name.endswith(".json"):
        assert now == original  # a toolkit card is converted beside the JSON, never in it
        return
    before = parse_markdown(name, original)
    after = parse_markdown(name, now)
    kept = before.body if before.has_front_matter else before.text
    assert after.body == kept
    assert len(now) >= len(original)
    if before.has_front_matter:
        # Front matter: every original line is still there, in order (keys may be renamed).
        original_lines = [ln for ln in before.text[: -len(before.body) or None].splitlines()]
        assert len(after.text.splitlines()) >= len(original_lines)


def test_every_text_of_a_toolkit_card_is_in_the_markdown_it_becomes(
    adopted: tuple[Path, dict[str, Any]],
) -> None:
    folder, report = adopted
    converted = {
        f["path"]: f["target"]
        for f in report["files"]
        if f["path"].endswith(".json") and f["state"] == "adopted"
    }
    assert len(converted) == 5
    for source, target in converted.items():
        text = " ".join((folder / target).read_text(encoding="utf-8").split()).replace("\\|", "|")
        for value in leaves(json.loads((CORPUS / source).read_bytes())):
            assert " ".join(value.split()) in text, (
                f"{source}: {value[:60]!r} missing from {target}"
            )


def leaves(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item, key)
    elif key != "image" and value not in (None, "") and not isinstance(value, bool):
        yield str(value)


def test_adopting_twice_changes_nothing(adopted: tuple[Path, dict[str, Any]]) -> None:
    folder, first = adopted
    before = tree(folder)
    second = adopt_json(list(CORPUS_FOLDERS), folder)
    assert tree(folder) == before
    assert {f["state"] for f in second["files"]} <= {"unchanged", "skipped"}
    assert len(corpus_files()) == 365
    assert sum(f["state"] == "adopted" for f in first["files"]) == 357
    assert sum(f["state"] == "skipped" for f in first["files"]) == 8  # templates, indexes, configs
    # The second run also reads the five Markdown cards written beside the toolkit JSON.
    assert sum(f["state"] == "unchanged" for f in second["files"]) == 357 + 5


def test_nothing_is_deleted(adopted: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = adopted
    assert set(corpus_files()) <= set(tree(folder))


def test_what_each_format_yields(adopted: tuple[Path, dict[str, Any]]) -> None:
    _, report = adopted
    by_format: dict[str, list[dict[str, Any]]] = {}
    for item in report["files"]:
        if item["state"] == "adopted":
            by_format.setdefault(item["format"], []).append(item)
    assert {k: len(v) for k, v in by_format.items()} == {
        "madr": 19,
        "madr2": 9,
        "nygard": 24,
        "huggingface": 300,
        "model-card-toolkit": 5,
    }
    for item in by_format["nygard"] + by_format["madr2"]:
        assert {"title", "status", "date"} <= set(item["inferred"]), item["path"]
        assert {"decision-makers", "driver", "approvers"} <= set(item["placeholders"])
    assert all("title" in i["inferred"] for i in by_format["madr"])
    # 0003's `status: on hold` is MADR's own status: kept as it is, not rewritten.
    assert [i["path"] for i in by_format["madr"] if i["converted"]] == []
    superseding = [i for i in by_format["madr2"] if "supersedes" in i["inferred"]]
    assert [i["path"] for i in superseding] == [
        "adr-madr2-log4brains/20201016-use-the-adr-slug-as-its-unique-id.md"
    ]
    assert all(
        {"owners", "targets", "failure_modes"} <= set(i["placeholders"])
        for i in by_format["huggingface"]
    )
    toolkit = {i["path"]: i for i in by_format["model-card-toolkit"]}
    assert {"version", "intended_use", "training_data", "license"} <= set(
        toolkit["mct-json/cats_vs_dogs_v0_0_1.json"]["inferred"]
    )


def governed_repo(path: Path) -> Path:
    """A repository with the example roster and policy, and no artifacts yet."""
    make_repo(path, None, commit=False)
    shutil.copy(EXAMPLE_REPO / "triad.yaml", path / "triad.yaml")
    for folder in ("decisions", "model-cards", "eval-sets"):
        (path / folder).mkdir()
    return path


@pytest.mark.parametrize("folder", CORPUS_FOLDERS)
def test_adopted_files_pass_check_but_for_their_placeholders(tmp_path: Path, folder: str) -> None:
    repo = governed_repo(tmp_path / "repo")
    shutil.copytree(CORPUS / folder, tmp_path / folder)
    destination = "decisions" if folder in DECISIONS else "model-cards"
    report = adopt_json([str(tmp_path / folder), "--output", destination], repo)
    adopted = {f["target"]: f for f in report["files"] if f["state"] == "adopted"}
    assert adopted
    result = invoke(["check", "--format", "json"], cwd=repo)
    findings = json.loads(result.output)["findings"]
    placeholders = {f["path"] for f in findings if f["rule"] == "MT601"}
    assert placeholders == set(adopted)  # every adopted file has FILL-INs left, and is flagged
    for item in findings:
        if item["rule"] == "MT601":
            continue
        path, rule = item["path"], item["rule"]
        if rule == "MT211":
            # The text lacks a section the policy requires; adopt never rewrites the text,
            # and said so.
            assert any("MT211" in a for a in adopted[path]["advice"]), item
        else:
            pytest.fail(f"unexpected finding after adoption: {item}")


@pytest.mark.parametrize("folder", CORPUS_FOLDERS)
def test_with_add_sections_only_placeholders_are_left(tmp_path: Path, folder: str) -> None:
    repo = governed_repo(tmp_path / "repo")
    shutil.copytree(CORPUS / folder, tmp_path / folder)
    destination = "decisions" if folder in DECISIONS else "model-cards"
    report = adopt_json([str(tmp_path / folder), "--output", destination, "--add-sections"], repo)
    adopted = [f for f in report["files"] if f["state"] == "adopted"]
    assert adopted and not any(f["advice"] and "MT211" in f["advice"][0] for f in adopted)
    result = invoke(["check", "--format", "json"], cwd=repo)
    rules = {f["rule"] for f in json.loads(result.output)["findings"]}
    assert rules == {"MT601"}
    for item in adopted:
        if item["path"].endswith(".md"):
            original = parse_markdown(item["path"], (tmp_path / item["path"]).read_bytes())
            kept = original.body if original.has_front_matter else original.text
            now = parse_markdown(item["target"], (repo / item["target"]).read_bytes())
            assert now.body.startswith(kept)  # the text is kept; sections come after it
