"""`mltriad check` on folders of records and cards in other tools' formats.

Per file, check says what the triad format needs that the file lacks, with rule ids;
templates and indexes are not reported; nothing crashes. Without a triad.yaml, files given
by path are checked under the default policy, with a note; with no paths it stays exit 2.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from tests.helpers import CORPUS, EXAMPLE_REPO, invoke, make_repo, run

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the corpus is not here")


def copy_folder(name: str, into: Path) -> Path:
    target = into / name
    shutil.copytree(CORPUS / name, target)
    return target


def findings_by_file(output: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for item in json.loads(output)["findings"]:
        found[item["path"]].append(item["rule"])
    return found


@needs_corpus
def test_nygard_folder_without_triad_yaml_reports_per_file_what_it_lacks(tmp_path: Path) -> None:
    copy_folder("adr-nygard-govuk", tmp_path)
    result = invoke(["check", "adr-nygard-govuk"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "no triad.yaml in" in result.output and "default policy" in result.output
    assert "24 files" in result.output.splitlines()[-1]
    assert "0000-TEMPLATE.md" not in result.output
    first = [
        line
        for line in result.output.splitlines()
        if line.startswith("adr-nygard-govuk/0001-record-architecture-decisions.md")
    ]
    assert [line.split(" ")[2] for line in first] == ["MT501:", "MT502:", "MT502:", "MT502:"]
    assert "status 'accepted' on line 7, date 2021-08-10 on line 3" in first[0]
    assert any("names no driver" in line for line in first)
    assert any("names no approvers" in line for line in first)
    assert any("names no decision-makers" in line for line in first)
    assert "MT008" not in result.output


@needs_corpus
def test_every_corpus_folder_is_checked_without_a_crash(tmp_path: Path) -> None:
    expected_files = {
        "adr-madr": 19,
        "adr-madr2-log4brains": 9,
        "adr-nygard-govuk": 24,
        "hf-model-cards": 300,
        "mct-json": 5,
    }
    for folder, count in expected_files.items():
        copy_folder(folder, tmp_path)
        result = invoke(["check", folder, "--format", "json"], cwd=tmp_path)
        assert result.exit_code == 1, result.output
        document = json.loads(result.output)
        assert document["summary"]["files"] == count, folder
        by_file = findings_by_file(result.output)
        assert len(by_file) == count, folder  # every record or card has something to add
        assert not any("MT008" in rules for rules in by_file.values())
        assert not any("MT0" in rule for rules in by_file.values() for rule in rules)


@needs_corpus
def test_hub_cards_lack_owners_targets_and_failure_modes_and_legacy_keys_are_named(
    tmp_path: Path,
) -> None:
    copy_folder("hf-model-cards", tmp_path)
    result = invoke(["check", "hf-model-cards"], cwd=tmp_path)
    lines = result.output.splitlines()
    timm = [ln for ln in lines if "_noArch__nateraw_my-cool-timm-model-2_README.md" in ln]
    assert any("MT504" in ln and "did you mean 'library_name'" in ln for ln in timm)
    assert not any("MT102" in ln for ln in timm)  # said once, by the legacy rule
    for what in ("names no owners", "has no targets", "names no failure modes", "has no task"):
        assert any("MT503" in ln and what in ln for ln in timm), what
    assert not any("missing required field 'id'" in ln for ln in lines)
    textless = [ln for ln in lines if "facebook_textless_sm_en_fr" in ln]
    assert any("MT504" in ln and "did you mean 'pipeline_tag'" in ln for ln in textless)
    assert not any("MT103" in ln for ln in textless)
    # A genuine problem of a Hub key is still reported, at its line: 'noinfo' is no language.
    assert any("espnet_bengali_blstm_README.md:6:11: error MT105:" in ln for ln in lines)
    # `thumbnail:` and `thumbnail: null` are absent, as the Hub reads them.
    assert not any("thumbnail" in ln for ln in lines)


@needs_corpus
def test_toolkit_json_is_reported_as_such_and_configs_are_ignored(tmp_path: Path) -> None:
    copy_folder("mct-json", tmp_path)
    result = invoke(["check", "mct-json"], cwd=tmp_path)
    assert "mct-json/cats_vs_dogs_v0_0_1.json:1:1: error MT506" in result.output
    assert "schema 0.0.1" in result.output and "schema 0.0.2" in result.output
    assert "tfx_oss" not in result.output


@needs_corpus
def test_log4brains_superseded_link_resolves_within_the_folder(tmp_path: Path) -> None:
    copy_folder("adr-madr2-log4brains", tmp_path)
    result = invoke(["check", "adr-madr2-log4brains"], cwd=tmp_path)
    assert "MT207" not in result.output
    assert "template.md" not in result.output and "README.md" not in result.output
    assert (
        "adr-madr2-log4brains/20200926-use-the-adr-number-as-its-unique-id.md:1:1: error MT501"
        in (result.output)
    )


@needs_corpus
def test_a_legacy_folder_inside_a_repository_with_triad_yaml(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    copy_folder("adr-nygard-govuk", repo / "docs")
    result = invoke(["check", "docs/adr-nygard-govuk"], cwd=repo)
    assert result.exit_code == 1
    assert "default policy" not in result.output
    assert "docs/adr-nygard-govuk/0002-use-aws-eks-terraform-module.md:1:1: error MT501" in (
        result.output
    )
    assert "24 files" in result.output.splitlines()[-1]
    whole = invoke(["check"], cwd=repo)
    assert whole.exit_code == 0, whole.output  # outside the policy's paths: not governed


def test_a_single_legacy_file_given_by_path_is_checked(tmp_path: Path) -> None:
    record = tmp_path / "0002-use-helm.md"
    record.write_text(
        "# 2. Use Helm\n\nDate: 2021-08-16\n\n## Status\n\nPending\n\n## Context\n\nX\n",
        encoding="utf-8",
    )
    result = invoke(["check", "0002-use-helm.md"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "0002-use-helm.md:7:1: warning MT505: the status 'Pending' is read as 'proposed'" in (
        result.output
    )


def test_check_without_paths_and_without_triad_yaml_is_still_exit_2(tmp_path: Path) -> None:
    (tmp_path / "0001-x.md").write_text("# 1. X\n\nDate: 2020-01-01\n", encoding="utf-8")
    result = invoke(["check"], cwd=tmp_path)
    assert result.exit_code == 2 and "no triad.yaml" in result.output


def test_paths_outside_the_current_folder_without_triad_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere" / "adr"
    folder.mkdir(parents=True)
    (folder / "0001-use-x.md").write_text(
        "# 1. Use X\n\nDate: 2020-01-01\n\n## Status\n\nAccepted\n", encoding="utf-8"
    )
    here = tmp_path / "here"
    here.mkdir()
    result = invoke(["check", str(folder)], cwd=here)
    assert result.exit_code == 1, result.output
    assert "0001-use-x.md:1:1: error MT501" in result.output


@needs_corpus
@pytest.mark.slow
def test_check_on_the_corpus_in_a_real_process(tmp_path: Path) -> None:
    copy_folder("adr-madr", tmp_path)
    proc = run(["check", "adr-madr"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    assert "MT104" not in proc.stdout  # 0003's `status: on hold` is MADR's own
    assert (
        "adr-madr/0003-provide-own-madr-tools.md:1:1: error MT502: the record has no date"
    ) in proc.stdout
    assert "adr-template.md" not in proc.stdout and "index.md" not in proc.stdout


def test_hub_legacy_keys_and_a_misspelled_model_index_in_check(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "---\nlanguages: [en]\nlicenses: [mit]\nmodel_index:\n- name: fraud\n  results:\n"
        "  - task: {type: text-classification}\n    metrics:\n"
        "    - {type: accuracy, value: '0.91 ± 0.02'}\n---\n# Fraud\n",
        encoding="utf-8",
    )
    result = invoke(["check", "README.md"], cwd=tmp_path)
    lines = result.output.splitlines()
    assert (
        "README.md:2:1: error MT504: `languages` is not a key the Hub or mltriad reads; "
        "did you mean 'language'?"
    ) in lines
    assert any(ln.startswith("README.md:3:1: error MT504:") and "'license'?" in ln for ln in lines)
    assert any(
        ln.startswith("README.md:4:1: error MT504:") and "'model-index'?" in ln for ln in lines
    )
    # The Hub ignores `model_index`: MT504 says so, and what is inside it is not judged.
    assert not any("MT101" in ln or "MT102" in ln for ln in lines)
