"""The readers over the whole corpus of real files, and a hand-checked sample of each format.

Every expected value below was read off the file by a person, not computed by the code.
"""

from __future__ import annotations

from collections import Counter

import pytest

from mltriad import formats
from mltriad.formats.model import DecisionReading, ModelCardReading, Skipped
from mltriad.formats.names import (
    HUGGING_FACE,
    INDEX,
    LEGACY_KEY,
    LEGACY_VALUE,
    MADR,
    MADR2,
    MODEL_CARD_TOOLKIT,
    NYGARD,
    TEMPLATE,
    UNRECOGNISED,
)
from tests.helpers import CORPUS, corpus_files

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus is not here")


def read(relative: str) -> formats.Reading:
    return formats.read(relative, (CORPUS / relative).read_bytes())


def decision(relative: str) -> DecisionReading:
    reading = read(relative)
    assert isinstance(reading, DecisionReading), reading
    return reading


def card(relative: str) -> ModelCardReading:
    reading = read(relative)
    assert isinstance(reading, ModelCardReading), reading
    return reading


@pytest.mark.parametrize("name", corpus_files())
def test_every_corpus_file_is_read_without_an_exception(name: str) -> None:
    reading = read(name)
    if isinstance(reading, Skipped):
        assert reading.reason in (TEMPLATE, INDEX, UNRECOGNISED) and reading.message
    else:
        assert reading.format != "triad"  # nothing in the corpus is in mltriad's format yet


def test_each_folder_is_read_as_its_format_with_templates_and_indexes_skipped() -> None:
    seen: Counter[tuple[str, str]] = Counter()
    for name in corpus_files():
        reading = read(name)
        label = reading.reason if isinstance(reading, Skipped) else reading.format
        seen[(name.split("/")[0], label)] += 1
    assert seen == {
        ("adr-madr", MADR): 19,
        ("adr-madr", TEMPLATE): 1,  # adr-template.md
        ("adr-madr", INDEX): 1,  # index.md
        ("adr-madr2-log4brains", MADR2): 9,
        ("adr-madr2-log4brains", TEMPLATE): 1,  # template.md
        ("adr-madr2-log4brains", INDEX): 2,  # README.md, index.md
        ("adr-nygard-govuk", NYGARD): 24,
        ("adr-nygard-govuk", TEMPLATE): 1,  # 0000-TEMPLATE.md
        ("hf-model-cards", HUGGING_FACE): 300,
        ("mct-json", MODEL_CARD_TOOLKIT): 5,
        ("mct-json", UNRECOGNISED): 2,  # TFX evaluation configs, not cards
    }


# MADR front matter (adr/madr's own decision log): no record there names its deciders or a date.


def test_madr_title_number_and_missing_metadata() -> None:
    record = decision("adr-madr/0000-use-markdown-architectural-decision-records.md")
    assert record.title is not None
    assert record.title.value == "Use Markdown Architectural Decision Records"
    assert record.title.line == 5
    assert record.number == 0
    assert (record.status, record.date, record.decision_makers) == (None, None, None)
    assert record.front_matter_keys == {"parent", "nav_order"}


def test_madr_status_on_hold_is_read_as_proposed_and_noted() -> None:
    record = decision("adr-madr/0003-provide-own-madr-tools.md")
    assert record.title is not None and record.title.value == "Write Own MADR Tooling"
    assert record.status is not None
    assert (record.status.value, record.status.line, record.status.text) == (
        "proposed",
        4,
        "on hold",
    )
    assert [(n.kind, n.key) for n in record.notes] == [(LEGACY_VALUE, "status")]


def test_madr_titles_of_the_whole_log() -> None:
    titles = {
        "0001-use-CC0-or-MIT-as-license.md": "Dual License the Work",
        "0013-use-yaml-front-matter-for-meta-data.md": "Use YAML front matter for metadata",
        "0014-allow-neutral-arguments.md": 'Allow "neutral" arguments',
        "0018-use-confirmation-as-heading.md": 'Use "Confirmation" as Heading',
    }
    for name, title in titles.items():
        record = decision(f"adr-madr/{name}")
        assert record.title is not None and record.title.value == title
    for path in sorted((CORPUS / "adr-madr").glob("00*.md")):
        record = decision(f"adr-madr/{path.name}")
        assert record.decision_makers is None and record.date is None, path.name
        assert record.number == int(path.name[:4])


# MADR 2 bullets (log4brains).


def test_madr2_status_date_title() -> None:
    record = decision(
        "adr-madr2-log4brains/20200924-use-markdown-architectural-decision-records.md"
    )
    assert record.title is not None
    assert (record.title.value, record.title.line) == (
        "Use Markdown Architectural Decision Records",
        1,
    )
    assert record.status is not None and (record.status.value, record.status.line) == (
        "accepted",
        3,
    )
    assert record.date is not None and (record.date.value, record.date.line) == ("2020-09-24", 4)
    assert record.decision_makers is None  # log4brains' records name no deciders
    assert record.number is None  # named by date, not by number


def test_madr2_superseded_by_a_link() -> None:
    record = decision("adr-madr2-log4brains/20200926-use-the-adr-number-as-its-unique-id.md")
    assert record.status is not None
    assert record.status.value == "superseded by 20201016-use-the-adr-slug-as-its-unique-id"
    assert record.superseded_by is not None
    assert record.superseded_by.value == "20201016-use-the-adr-slug-as-its-unique-id"
    assert record.date is not None and record.date.value == "2020-09-26"


def test_madr2_every_record_has_status_date_and_title() -> None:
    expected = {
        "20200925-multi-packages-architecture-in-a-monorepo-with-yarn-and-lerna.md": (
            "Multi-packages architecture in a monorepo with Yarn and Lerna",
            "2020-09-25",
        ),
        "20200927-avoid-default-exports.md": ("Avoid default exports", "2020-09-27"),
        "20201103-use-lunr-for-search.md": ("Use Lunr for search", "2020-11-03"),
        "20210113-distribute-log4brains-as-a-global-npm-package.md": (
            "Distribute Log4brains as a global NPM package",
            "2021-01-13",
        ),
    }
    for path in sorted((CORPUS / "adr-madr2-log4brains").glob("20*.md")):
        record = decision(f"adr-madr2-log4brains/{path.name}")
        assert record.status is not None and record.date is not None and record.title is not None
        assert record.date.value == f"{path.name[:4]}-{path.name[4:6]}-{path.name[6:8]}"
        if path.name in expected:
            assert (record.title.value, record.date.value) == expected[path.name]


# Nygard / adr-tools (alphagov/govuk-infrastructure).


def test_nygard_numbered_title_date_and_status_section() -> None:
    record = decision("adr-nygard-govuk/0001-record-architecture-decisions.md")
    assert record.title is not None
    assert (record.title.value, record.title.text) == (
        "Record architecture decisions",
        "1. Record architecture decisions",
    )
    assert record.number == 1
    assert record.date is not None and (record.date.value, record.date.line) == ("2021-08-10", 3)
    assert record.status is not None and (record.status.value, record.status.line) == (
        "accepted",
        7,
    )
    assert record.decision_makers is None and record.notes == []


def test_nygard_title_between_html_comments() -> None:
    record = decision(
        "adr-nygard-govuk/0004-use-aws-load-balancer-controller-for-edge-traffic-services.md"
    )
    assert record.title is not None
    assert record.title.value == "Use AWS Load Balancer Controller for edge traffic services"
    assert record.title.line == 3
    assert record.date is not None and (record.date.value, record.date.line) == ("2021-08-12", 8)
    assert record.status is not None and record.status.line == 12
    graviton = decision("adr-nygard-govuk/0011-use-graviton-for-compute-instances.md")
    assert graviton.title is not None
    assert graviton.title.value == "Use AWS Graviton (ARM) for compute instances"
    assert graviton.date is not None and graviton.date.value == "2025-03-03"


def test_nygard_deprecated_with_an_explanation() -> None:
    record = decision(
        "adr-nygard-govuk/0007-use-fluentbit-elasticsearch-and-kibana-for-application-logs.md"
    )
    assert record.status is not None
    assert (record.status.value, record.status.text) == (
        "deprecated",
        "Deprecated (no superseding ADR)",
    )
    assert record.superseded_by is None and record.supersedes == []
    assert record.title is not None
    assert record.title.value == "Use Fluent Bit, Elasticsearch and Kibana for application logs"


def test_nygard_every_record_has_number_title_status_and_date() -> None:
    dates = {
        "0012-non-govuk-domain-policy.md": "2025-05-06",
        "0018-use-concourse-ci.md": "2025-08-12",
        "0022-use-pkl-for-configuration.md": "2025-11-06",
        "0024-use-of-admission-policy.md": "2026-08-07",
    }
    for path in sorted((CORPUS / "adr-nygard-govuk").glob("00[0-9][1-9]*.md")):
        record = decision(f"adr-nygard-govuk/{path.name}")
        assert record.number == int(path.name[:4]), path.name
        assert record.title is not None and record.title.text.startswith(f"{record.number}. ")
        assert record.status is not None and record.date is not None, path.name
        if path.name in dates:
            assert record.date.value == dates[path.name]
        if not path.name.startswith("0007"):
            assert record.status.value == "accepted", path.name


# Hugging Face model cards.


def test_hub_card_name_and_results_written_as_text() -> None:
    found = card("hf-model-cards/_noArch__0xid_Reinforce-Pixelcopter-PLE-v0_README.md")
    assert found.name is not None and found.name.value == "Reinforce-Pixelcopter-PLE-v0"
    [result] = found.results
    assert (result.metric_type, result.text, result.value) == (
        "mean_reward",
        "55.60 +/- 41.02",
        55.6,
    )
    assert (result.task_type, result.dataset_type, result.line) == (
        "reinforcement-learning",
        "Pixelcopter-PLE-v0",
        19,  # the line of `value:`
    )
    assert found.id == "noarch-0xid-reinforce-pixelcopter-ple-v0"


def test_hub_card_results_without_a_dataset_are_still_read() -> None:
    found = card("hf-model-cards/_noArch__danielvasic_hr_bertic_pipeline_README.md")
    assert found.name is not None and found.name.value == "hr_bertic_pipeline"
    assert [(r.metric_type, r.value) for r in found.results][:2] == [
        ("accuracy", 0.9552306643),
        ("precision", 0.9536423841),
    ]
    assert all(r.dataset_type is None for r in found.results)


def test_hub_card_legacy_keys_are_noted_with_the_key_the_hub_expects() -> None:
    textless = card("hf-model-cards/_noArch__facebook_textless_sm_en_fr_README.md")
    assert textless.pipeline_tag is not None and textless.pipeline_tag.value == "audio-to-audio"
    assert [(n.kind, n.key, n.replacement) for n in textless.notes] == [
        (LEGACY_KEY, "task", "pipeline_tag")
    ]
    timm = card("hf-model-cards/_noArch__nateraw_my-cool-timm-model-2_README.md")
    assert [(n.key, n.replacement) for n in timm.notes] == [("library_tag", "library_name")]
    assert "did you mean 'library_name'" in timm.notes[0].message
    # `tags: autonlp`, a single tag, is how the Hub reads it: nothing to note.
    autonlp = card("hf-model-cards/_train__abhishek_autonlp-japanese-sentiment-59363_README.md")
    assert autonlp.notes == []


def test_a_readme_with_only_a_license_is_still_a_card() -> None:
    found = card("hf-model-cards/_train__OpenMatch_cocodr-large_README.md")
    assert found.front_matter_keys == {"license"}
    assert found.license is not None and found.license.value == "mit"


# Model Card Toolkit JSON, schema 0.0.1 and 0.0.2.


def test_toolkit_cards_of_both_schema_versions() -> None:
    old = card("mct-json/cats_vs_dogs_v0_0_1.json")
    new = card("mct-json/cats_vs_dogs_v0_0_2.json")
    for found, version in ((old, "0.0.1"), (new, "0.0.2")):
        assert found.schema_version == version
        assert found.name is not None
        assert found.name.value == "Fine-tuned MobileNetV2 Model for Cat vs. Dogs"
        assert found.version is not None and found.version.value == "v1.0"
        assert found.license is not None and found.license.value == "Apache-2.0"
        assert found.people == [("Model Cards Team", "model-cards@google.com")]
        assert found.intended_use is not None
        assert found.intended_use.value == ["This model classifies images of cats and dogs."]
    assert old.training_sources == ["train"]
    assert new.training_sources == ["Training Set"]


def test_toolkit_input_and_output_formats() -> None:
    found = card("mct-json/considerations.json")
    assert found.task_input is not None and found.task_input.value == "32-char-len-text"
    assert found.task_output is not None and found.task_output.value == "64-char-len-text"
    assert found.version is not None and found.version.value == "0.3"
    full = card("mct-json/full.json")
    assert full.task_output is not None and full.task_output.value == "type: 64-char-len-text"
    assert full.people == [("name1", "contact1@email.com"), ("name2", "contact2@email.com")]


def test_a_tfx_evaluation_config_is_not_a_card() -> None:
    reading = read("mct-json/tfx_oss_0_21__Evaluator__evaluation__7__eval_config.json")
    assert isinstance(reading, Skipped) and reading.reason == UNRECOGNISED
    assert "model_details" in reading.message
