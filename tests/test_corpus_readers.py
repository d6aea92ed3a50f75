"""Each reader on the forms its format allows that the corpus happens not to contain."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltriad import formats
from mltriad.formats.model import DecisionReading, ModelCardReading, Skipped
from mltriad.formats.names import (
    INDEX,
    LEGACY_KEY,
    LEGACY_VALUE,
    MADR,
    MADR2,
    NYGARD,
    TEMPLATE,
    TRIAD,
    UNREADABLE,
)
from mltriad.formats.values import read_date, read_people, read_status


def decision(text: str, path: str = "decisions/0007-use-gbm.md") -> DecisionReading:
    reading = formats.read(path, text.encode("utf-8"))
    assert isinstance(reading, DecisionReading), reading
    return reading


def card(text: str, path: str = "models/fraud/README.md") -> ModelCardReading:
    reading = formats.read(path, text.encode("utf-8"))
    assert isinstance(reading, ModelCardReading), reading
    return reading


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ("decision-makers:\n  - Ada Lovelace\n  - Grace Hopper", ["Ada Lovelace", "Grace Hopper"]),
        ("decision-makers: [Ada Lovelace, Grace Hopper]", ["Ada Lovelace", "Grace Hopper"]),
        ("decision-makers: Ada Lovelace, Grace Hopper", ["Ada Lovelace", "Grace Hopper"]),
        ("deciders: Ada Lovelace; Grace Hopper", ["Ada Lovelace", "Grace Hopper"]),
        ("deciders: [Ada Lovelace]", ["Ada Lovelace"]),
    ],
)
def test_madr_people_as_lists_flow_lists_and_strings(people: str, expected: list[str]) -> None:
    record = decision(f"---\nstatus: accepted\ndate: 2024-05-02\n{people}\n---\n# Use GBM\n")
    assert record.format == MADR
    assert record.decision_makers is not None and record.decision_makers.value == expected
    assert record.decision_makers.line == 4  # the key's line


def test_madr3_deciders_is_a_legacy_key_with_a_did_you_mean() -> None:
    record = decision("---\nstatus: accepted\ndeciders: [Ada]\n---\n# Use GBM\n")
    [note] = record.notes
    assert (note.kind, note.key, note.replacement, note.line) == (
        LEGACY_KEY,
        "deciders",
        "decision-makers",
        3,
    )
    assert "did you mean 'decision-makers'" in note.message


@pytest.mark.parametrize(
    ("status", "value", "superseded_by"),
    [
        ("accepted", "accepted", None),
        ("Accepted", "accepted", None),
        (
            '"superseded by [ADR-0005](0005-example.md)"',
            "superseded by 0005-example",
            "0005-example",
        ),
        ("superseded by ADR-0012", "superseded by ADR-0012", "ADR-0012"),
        (
            "Superceded by [12. Use XGBoost](0012-use-xgboost.md)",
            "superseded by 0012-use-xgboost",
            "0012-use-xgboost",
        ),
        ("rejected", "rejected", None),
        ("deprecated", "deprecated", None),
    ],
)
def test_madr_status_with_or_without_a_link(
    status: str, value: str, superseded_by: str | None
) -> None:
    record = decision(f"---\nstatus: {status}\n---\n# Use GBM\n")
    assert record.status is not None and record.status.value == value
    assert (record.superseded_by.value if record.superseded_by else None) == superseded_by


def test_mltriad_records_are_read_as_already_adopted() -> None:
    record = decision(
        "---\nstatus: accepted\ndate: 2024-05-02\ndecision-makers: [Ada]\ndriver: ml-engineer\n"
        "approvers: [ml-engineer]\nsupersedes: [3]\n---\n# Use GBM\n"
    )
    assert record.format == TRIAD and not record.is_legacy
    assert [s.value for s in record.supersedes] == ["3"]


def test_madr_record_with_no_status_is_recognised_by_its_sections() -> None:
    text = "# Use GBM\n\n## Context and Problem Statement\n\nX\n\n## Considered Options\n\n* A\n"
    plain = decision(text, path="adr/use-gbm.md")
    assert plain.format == "plain" and plain.title is not None and plain.title.value == "Use GBM"
    with_front_matter = decision("---\nnav_order: 3\n---\n" + text, path="adr/use-gbm.md")
    assert with_front_matter.format == MADR


def test_madr2_bullets_with_deciders_tags_and_comments() -> None:
    record = decision(
        "# Use GBM\n\n"
        "* Status: accepted <!-- optional -->\n"
        "* Deciders: Ada Lovelace, Grace Hopper\n"
        "* Date: 2024-05-02\n"
        "* Tags: fraud, models\n\n"
        "Technical Story: https://example.org/1\n\n"
        "## Context and Problem Statement\n\nStatus: not metadata here\n"
    )
    assert record.format == MADR2
    assert record.status is not None and (record.status.value, record.status.line) == (
        "accepted",
        3,
    )
    assert record.decision_makers is not None
    assert record.decision_makers.value == ["Ada Lovelace", "Grace Hopper"]
    assert record.date is not None and record.date.value == "2024-05-02"
    assert record.tags is not None and record.tags.value == ["fraud", "models"]


def test_madr2_template_values_are_not_read() -> None:
    reading = formats.read(
        "docs/adr/template.md",
        b"# [short title of solved problem and solution]\n\n"
        b"- Status: [draft | proposed | rejected | accepted | deprecated]\n"
        b"- Deciders: [list everyone involved in the decision]\n",
    )
    assert isinstance(reading, Skipped) and reading.reason == TEMPLATE
    by_title = formats.read("docs/adr/new.md", b"# {short title}\n\n- Status: [draft | proposed]\n")
    assert isinstance(by_title, Skipped) and by_title.reason == TEMPLATE


def test_nygard_superseded_and_supercedes_links_both_spellings() -> None:
    old = decision(
        "# 3. Use Postgres\n\nDate: 2019-01-02\n\n## Status\n\nAccepted\n\n"
        "Superceded by [5. Use Aurora](0005-use-aurora.md)\n\n## Context\n\nX\n",
        path="doc/adr/0003-use-postgres.md",
    )
    assert old.format == NYGARD
    assert old.status is not None and old.status.value == "superseded by 0005-use-aurora"
    assert old.superseded_by is not None and old.superseded_by.value == "0005-use-aurora"
    assert [n.kind for n in old.notes] == [LEGACY_VALUE]  # 'Superceded' is read as superseded
    new = decision(
        "# 5. Use Aurora\n\nDate: 5 June 2021\n\n## Status\n\nAccepted\n\n"
        "Supercedes [3. Use Postgres](0003-use-postgres.md)\n\n"
        "Supersedes [4. Use MySQL](0004-use-mysql.md)\n",
        path="doc/adr/0005-use-aurora.md",
    )
    assert new.status is not None and new.status.value == "accepted"
    assert [s.value for s in new.supersedes] == ["0003-use-postgres", "0004-use-mysql"]
    assert new.date is not None and new.date.value == "2021-06-05"


def test_nygard_unknown_status_and_ambiguous_date_are_noted() -> None:
    record = decision(
        "# 2. Use Helm\n\nDate: 05/06/2021\n\n## Status\n\nUnder the weather\n",
        path="doc/adr/0002-use-helm.md",
    )
    assert record.status is None and record.date is None
    assert sorted((n.key, n.replacement) for n in record.notes) == [
        ("date", None),
        ("status", None),
    ]


def test_nygard_heading_inside_a_comment_or_code_is_not_the_title() -> None:
    record = decision(
        "<!--\n   # 99. Believe in ghosts\n-->\n```\n# 98. Not this\n```\n"
        "# 7. The real title\n\nDate: 2020-01-01\n\n## Status\n\nProposed\n",
        path="doc/adr/0007-the-real-title.md",
    )
    assert record.title is not None and (record.title.value, record.title.line) == (
        "The real title",
        7,
    )
    assert record.number == 7


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2021-08-10", "2021-08-10"),
        ("2021/08/10", "2021-08-10"),
        ("10.08.2021", "2021-08-10"),
        ("August 10, 2021", "2021-08-10"),
        ("10th August 2021", "2021-08-10"),
        ("08/28/2020", "2020-08-28"),
        ("28/08/2020", "2020-08-28"),
        ("2021-08-10T09:00:00Z", "2021-08-10"),
        ("05/06/2021", None),
        ("yesterday", None),
        ("2021-02-30", None),
    ],
)
def test_dates_are_read_only_when_unambiguous(text: str, iso: str | None) -> None:
    assert read_date(text) == iso


def test_status_words_and_people_helpers() -> None:
    pending = read_status("Pending")
    assert pending is not None and (pending.value, pending.exact) == ("proposed", False)
    assert read_status("[proposed | accepted]") is None
    assert read_people("[list everyone involved in the decision]") is None
    assert read_people("[Ada, Grace]") == ["Ada", "Grace"]


def test_hub_misspelled_model_index_and_legacy_keys_get_a_did_you_mean() -> None:
    found = card(
        "---\nlanguages: [en]\nlicenses: [mit]\nmodel_index:\n- name: fraud\n  results:\n"
        "  - task: {type: text-classification}\n    dataset: {type: imdb, name: IMDB}\n"
        "    metrics:\n    - {type: accuracy, value: '0.91 ± 0.02'}\n---\n# Fraud\n"
    )
    notes = {n.key: n for n in found.notes}
    assert {k: n.replacement for k, n in notes.items()} == {
        "model_index": "model-index",
        "languages": "language",
        "licenses": "license",
    }
    assert "did you mean 'language'?" in notes["languages"].message
    assert "did you mean 'license'?" in notes["licenses"].message
    assert found.license is not None and found.license.value == "mit"
    [result] = found.results
    assert (result.metric_type, result.value, result.text, result.dataset_name) == (
        "accuracy",
        0.91,
        "0.91 ± 0.02",
        "IMDB",
    )
    assert found.name is not None and found.name.value == "fraud"
    assert found.id == "fraud"  # README.md is named after its folder


def test_hub_result_values_that_are_not_numbers_are_kept_as_text() -> None:
    found = card(
        "---\nmodel-index:\n- name: m\n  results:\n  - task: {type: t}\n    dataset: {type: d, name: d}\n"
        "    metrics:\n    - {type: f1, value: NA}\n    - {type: acc, value: 91.2%}\n---\n"
    )
    assert [(r.value, r.text) for r in found.results] == [(None, "NA"), (0.912, "91.2%")]


def test_toolkit_json_shapes_and_broken_json() -> None:
    old = {
        "schema_version": "0.0.1",
        "model_details": {"name": "Churn", "license": "MIT", "references": ["https://x"]},
        "model_parameters": {"data": {"train": {"name": "2023 rows"}, "eval": {}}},
        "considerations": {"use_cases": ["Retention offers"], "limitations": ["US only"]},
    }
    found = formats.read("cards/churn.json", json.dumps(old).encode())
    assert isinstance(found, ModelCardReading)
    assert found.schema_version == "0.0.1" and found.id == "churn"
    assert found.intended_use is not None and found.intended_use.value == ["Retention offers"]
    assert found.training_sources == ["2023 rows"]
    broken = formats.read("cards/broken.json", b'{"model_details": {')
    assert isinstance(broken, Skipped) and broken.reason == UNREADABLE and broken.line == 1
    listed = formats.read("cards/list.json", b"[1, 2]")
    assert isinstance(listed, Skipped)


def test_indexes_and_unrecognised_files() -> None:
    index = formats.read("docs/adr/README.md", b"# Decisions\n\n* [1. Use X](0001-use-x.md)\n")
    assert isinstance(index, Skipped) and index.reason == INDEX
    prose = formats.read("docs/guide.md", b"# A guide\n\nSome text.\n")
    assert isinstance(prose, Skipped)
    assert formats.detect_kind("docs/guide.md", b"# A guide\n") is None
    assert formats.detect_kind("notes.txt", b"# 1. Use X\n\n## Status\n\nAccepted\n") is None
    assert (
        formats.detect_kind("adr/0001-use-x.md", b"# 1. Use X\n\n## Status\n\nAccepted\n")
        == "decision"
    )


def test_broken_front_matter_is_a_reason_not_an_exception() -> None:
    reading = formats.read("decisions/0001-x.md", b"---\nstatus: [accepted\n---\n# X\n")
    assert isinstance(reading, Skipped) and reading.reason == UNREADABLE and reading.line == 3
    binary = formats.read("decisions/0001-x.md", b"\xff\xfe\x00garbage")
    assert isinstance(binary, Skipped) and binary.reason == UNREADABLE


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=400)
    | st.text(
        alphabet=st.sampled_from(list("-#*:[]{}()|\n ` abcStatusDate0123456789.,/")), max_size=400
    ).map(lambda t: t.encode())
)
def test_readers_never_raise(raw: bytes) -> None:
    for path in ("decisions/0001-x.md", "models/README.md", "cards/x.json"):
        reading = formats.read(path, raw)
        assert isinstance(reading, (DecisionReading, ModelCardReading, Skipped))
        formats.detect_kind(path, raw)
