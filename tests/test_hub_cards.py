"""Hugging Face cards judged as the Hub reads them, through the real `mltriad check`, on real
cards: the corpus's and five in tests/data/hf-cards (SOURCES.md says where from).

A null is absent, `tags` may be one tag, keys of the Hub's own beyond the documented ones
are a warning (MT508) and never advice to rename them, and what is inside `model_index`
(which the Hub ignores) is not judged. What the Hub does refuse stays an error.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from mltriad.formats.huggingface import hub_spelling
from mltriad.formats.names import CARD_TRIAD_KEYS as TRIAD_KEYS
from mltriad.formats.names import HUB_KEYS
from mltriad.schemas import schema
from tests.helpers import CARD, CORPUS, EXAMPLE_REPO, TESTS, invoke, make_repo, replace_text

CARDS = TESTS / "data" / "hf-cards"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus is not here")


class Checked(NamedTuple):
    code: int
    found: dict[str, list[dict[str, Any]]]  # by file, MT503 and MT211 left out
    text: str


def check(folder: Path, *names: str) -> Checked:
    """`mltriad check NAME...` in `folder`: the exit code, the findings of each file as JSON
    (less MT503 and MT211: what the triad format adds to any Hub card), and the text."""
    result = invoke(["check", *names, "--format", "json"], cwd=folder)
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for item in json.loads(result.output)["findings"]:
        if item["rule"] not in ("MT503", "MT211"):
            found[item["path"]].append(item)
    return Checked(result.exit_code, found, invoke(["check", *names], cwd=folder).output)


def rules(findings: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(f["line"], f["rule"], f["severity"]) for f in findings]


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    shutil.copytree(CARDS, tmp_path / "cards")
    if CORPUS.is_dir():
        for name in (
            "_noArch__speechbrain_soundchoice-g2p_README.md",
            "_noArch__nvidia_stt_de_conformer_transducer_large_README.md",
            "_train__abhishek_autonlp-japanese-sentiment-59363_README.md",
            "_train__albertvillanova_autonlp-indic_glue-multi_class_classification-1e67664-"
            "1311135_README.md",
            "_train__PaddlePaddle_mengzi-bert-base_README.md",
            "_train__KETI-AIR_ke-t5-large-ko_README.md",
            "_noArch__prompthero_openjourney-v2_README.md",
            "_noArch__espnet_bengali_blstm_README.md",
            "_noArch__danielvasic_hr_bertic_pipeline_README.md",
        ):
            shutil.copy(CORPUS / "hf-model-cards" / name, tmp_path / "cards" / name)
    return tmp_path / "cards"


def test_a_null_is_absent(cards: Path) -> None:
    """`thumbnail:`, `metrics:` and a null item of `datasets` are what the Hub reads as
    nothing, not a value of the wrong type."""
    names = ["_noArch__aychang_distilbert-squad_README.md"]
    names.append("_train__JuliusAlphonso_dear-jarvis-v5_README.md")
    if CORPUS.is_dir():  # `thumbnail:` and `thumbnail: null`
        names.append("_noArch__speechbrain_soundchoice-g2p_README.md")
        names.append("_noArch__nvidia_stt_de_conformer_transducer_large_README.md")
    checked = check(cards, *names)
    assert checked.code == 1  # the triad format's fields (MT503) are still missing
    assert checked.found[names[0]] == []
    assert rules(checked.found[names[1]]) == [(5, "MT504", "error")]  # model_index, below
    for name in names[2:]:
        assert checked.found[name] == [], name
    assert "thumbnail" not in checked.text and "None" not in checked.text


def test_a_null_in_the_triads_own_fields_is_named_null(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    replace_text(repo, CARD, "status: candidate", "status:\nthumbnail:")
    replace_text(repo, CARD, "version: ", "version:\nx-was: ")
    result = invoke(["check"], cwd=repo)
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith(CARD)]
    assert any("MT104: status is null, which is not allowed" in ln for ln in lines), lines
    assert any("MT103: version must be a string or a number, not null" in ln for ln in lines)
    assert not any("thumbnail" in ln for ln in lines)  # a Hub key: null is absent
    assert "None" not in result.output


@needs_corpus
def test_a_single_tag_is_a_list_of_one(cards: Path) -> None:
    names = sorted(p.name for p in cards.glob("_train__*autonlp*_README.md"))
    assert len(names) == 2
    checked = check(cards, *names)
    assert [checked.found[n] for n in names] == [[], []]
    assert "tags" not in checked.text


def test_hub_keys_beyond_the_documented_ones_are_a_warning(cards: Path) -> None:
    massive = "_train__0x7194633_rubert-base-massive_README.md"
    patents = "_noArch__anferico_bert-for-patents_README.md"
    corpus = {
        "_train__PaddlePaddle_mengzi-bert-base_README.md": (8, "mask_token"),
        "_train__KETI-AIR_ke-t5-large-ko_README.md": (6, "eos_token"),
        "_noArch__prompthero_openjourney-v2_README.md": (6, "pinned"),
    }
    names = [massive, patents, *(corpus if CORPUS.is_dir() else [])]
    checked = check(cards, *names)
    assert rules(checked.found[massive]) == [(9, "MT508", "warning")]
    assert checked.found[massive][0]["message"] == (
        "`train-eval-index` is not a key the Hub documents or mltriad reads: mltriad leaves "
        "it alone, and the Hub keeps it in the card's metadata, where other tools may read it"
    )
    # A plain misspelling of a Hub key is named; a key of its own is not to be renamed.
    assert rules(checked.found[patents]) == [(7, "MT508", "warning"), (8, "MT508", "warning")]
    assert checked.found[patents][0]["message"].endswith("did you mean 'pipeline_tag'?")
    assert "did you mean" not in checked.found[patents][1]["message"]
    for name, (line, key) in corpus.items() if CORPUS.is_dir() else ():
        assert rules(checked.found[name]) == [(line, "MT508", "warning")], name
        assert f"`{key}`" in checked.found[name][0]["message"]
    assert (
        "x-" not in checked.text and "remove it" not in checked.text and "MT102" not in checked.text
    )


def test_an_unknown_key_of_a_triad_card_is_still_an_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO, commit=False)
    replace_text(repo, CARD, "status: candidate", "status: candidate\nsample_rate: 16000")
    result = invoke(["check"], cwd=repo)
    assert result.exit_code == 1
    assert (
        f"{CARD}:6:1: error MT102: unknown field 'sample_rate'; remove it or prefix it with x-"
    ) in result.output.splitlines()


def test_what_is_inside_model_index_is_not_judged(cards: Path) -> None:
    """The Hub ignores `model_index`: MT504 says so, once, and nothing inside it counts."""
    cola = "_train__123abhiALFLKFO_distilbert-base-uncased-finetuned-cola_README.md"
    checked = check(cards, cola)
    assert rules(checked.found[cola]) == [(9, "MT504", "error")]
    assert "MT101" not in checked.text
    # Under the key the Hub reads, the same result lacks its metrics: an error, as before.
    renamed = cards / "renamed_README.md"
    renamed.write_text(
        (cards / cola).read_text(encoding="utf-8").replace("model_index:", "model-index:"),
        encoding="utf-8",
    )
    checked = check(cards, renamed.name)
    assert rules(checked.found[renamed.name]) == [(12, "MT101", "error")]
    assert checked.found[renamed.name][0]["message"] == (
        "missing required field 'metrics' in model-index[0].results[0]"
    )


@needs_corpus
def test_what_the_hub_refuses_is_still_an_error(cards: Path) -> None:
    espnet = "_noArch__espnet_bengali_blstm_README.md"
    bertic = "_noArch__danielvasic_hr_bertic_pipeline_README.md"
    squad = "_noArch__aychang_distilbert-squad_README.md"
    replace_text(cards, squad, "license: mit", "license: apache")
    checked = check(cards, espnet, bertic, squad)
    assert checked.code == 1
    assert rules(checked.found[espnet]) == [(6, "MT105", "error")]  # 'noinfo' is no ISO 639 code
    assert checked.found[bertic][0]["message"] == (
        "missing required field 'dataset' in model-index[0].results[0]"
    )
    assert {f["rule"] for f in checked.found[bertic]} == {"MT101"}
    assert rules(checked.found[squad]) == [(9, "MT104", "error")]  # not on the Hub's license list


@pytest.mark.parametrize(
    ("key", "hub_key"),
    [
        ("licence", "license"),
        ("pipeline-tag", "pipeline_tag"),
        ("pipeline-tags", "pipeline_tag"),
        ("dataset", "datasets"),
        ("tag", "tags"),
        ("Metrics", "metrics"),
        ("sdk_version", None),  # a Space's setting, not the triad's `version`
        ("tasks", None),
        ("xdatasets", None),
        ("pipeline_kwargs", None),
        ("sample_rate", None),
        ("mask_token", None),
    ],
)
def test_which_keys_are_named_as_misspellings(key: str, hub_key: str | None) -> None:
    assert hub_spelling(key) == hub_key


def test_the_readers_hub_keys_are_the_schemas() -> None:
    """Which keys are the Hub's decides where a null is absent and what MT508 notes."""
    properties = set(schema("model-card")["properties"])
    assert properties == HUB_KEYS | TRIAD_KEYS | {"title", "task"}
