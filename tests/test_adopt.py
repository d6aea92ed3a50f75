"""`mltriad adopt` on small files written for each behaviour: what it converts, what it
leaves as FILL-IN, and the promises (no loss, no surprise overwrite, atomic, idempotent)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from mltriad.documents import parse_markdown
from tests.helpers import EXAMPLE_REPO, invoke, make_repo, run

NYGARD = (
    "# 2. Use Helm for packages\n\nDate: 2021-08-16\n\n## Status\n\nSuperseded by "
    "[3. Use Kustomize](0003-use-kustomize.md)\n\n## Context\n\nWe need packages.\n\n"
    "## Decision\n\nHelm.\n"
)
NYGARD_NEW = (
    "# 3. Use Kustomize\n\nDate: 2022-01-05\n\n## Status\n\nAccepted\n\n## Context\n\nHelm "
    "is heavy.\n\n## Decision\n\nKustomize.\n"
)
MADR3 = (
    "---\nnav_order: 4\nstatus: Accepted\ndate: 28/08/2020\ndeciders: Ada Lovelace, "
    "Grace Hopper  # the leads\n---\n# Use GBM\n\n## Context and Problem Statement\n\nX\n\n"
    "## Considered Options\n\n* GBM\n\n## Decision Outcome\n\nGBM.\n"
)
HUB = (
    "---\nlanguages: [en]\nlicenses: [mit]\nlibrary_tag: timm\ntags: autonlp\ntask: "
    "text-classification\nthumbnail:\npinned: true\nmodel_index:\n- name: Fraud\n  results:\n"
    "  - task:\n      type: text-classification\n    metrics:\n    - type: accuracy\n"
    "      value: 0.91 +/- 0.02\n---\n# Fraud\n\n## Intended uses & limitations\n\nCards.\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def adopt(args: list[str], cwd: Path) -> tuple[int, dict[str, Any]]:
    result = invoke(["adopt", *args, "--format", "json"], cwd=cwd)
    return result.exit_code, json.loads(result.output)


def front_matter(path: Path) -> dict[str, object]:
    data = parse_markdown(path.name, path.read_bytes()).data
    assert isinstance(data, dict)
    return data


def test_nygard_records_get_front_matter_and_the_reverse_supersede_link(tmp_path: Path) -> None:
    old = write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    new = write(tmp_path, "adr/0003-use-kustomize.md", NYGARD_NEW)
    result = invoke(["adopt", "adr"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert front_matter(old) == {
        "title": "Use Helm for packages",
        "status": "superseded by 0003-use-kustomize",
        "date": "2021-08-16",
        "decision-makers": ["FILL-IN the name of each person who made the decision"],
        "driver": "ml-engineer",
        "approvers": ["ml-engineer", "product-manager"],
    }
    assert front_matter(new)["supersedes"] == ["0002-use-helm-for-packages"]
    assert old.read_text(encoding="utf-8").endswith(NYGARD)
    assert "driver: ml-engineer  # FILL-IN the role that drove this decision" in old.read_text(
        encoding="utf-8"
    )
    assert "Adopted 2 file(s)" in result.output
    check = invoke(["check", "adr", "--format", "json"], cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(check.output)["findings"]}
    assert rules == {"MT601", "MT211"}  # placeholders, and Nygard has no 'Considered Options'


def test_madr3_keys_and_values_are_converted_and_comments_kept(tmp_path: Path) -> None:
    record = write(tmp_path, "decisions/0004-use-gbm.md", MADR3)
    code, report = adopt(["decisions/0004-use-gbm.md"], tmp_path)
    assert code == 0
    text = record.read_text(encoding="utf-8")
    assert "status: accepted  # was: Accepted\n" in text
    assert "date: 2020-08-28  # was: 28/08/2020\n" in text
    assert "decision-makers: Ada Lovelace, Grace Hopper  # the leads\n" in text
    assert "nav_order: 4\n" in text
    [item] = report["files"]
    assert item["converted"] == [
        "deciders renamed decision-makers",
        "status 'Accepted' written as 'accepted'",
        "date '28/08/2020' written as 2020-08-28",
    ]
    assert set(item["placeholders"]) == {"driver", "approvers"}
    assert parse_markdown("x", record.read_bytes()).body == parse_markdown("x", MADR3.encode()).body


def test_hub_card_legacy_keys_invalid_values_and_missing_dataset(tmp_path: Path) -> None:
    card = write(tmp_path, "fraud/README.md", HUB)
    code, report = adopt(["fraud/README.md", "--output", "model-cards"], tmp_path)
    assert code == 0, report
    assert card.read_text(encoding="utf-8") == HUB  # --output leaves the source alone
    data = front_matter(tmp_path / "model-cards" / "fraud.md")
    assert data["language"] == ["en"] and data["license"] == "mit"
    assert data["library_name"] == "timm" and data["pipeline_tag"] == "text-classification"
    assert data["tags"] == ["autonlp"]
    # `thumbnail:` is null, which the Hub reads as absent: it stays as written.
    assert "thumbnail" in data and data["thumbnail"] is None and data["x-pinned"] is True
    index: Any = data["model-index"]
    assert index[0]["results"][0]["dataset"] == {
        "type": "FILL-IN the Hub id of the dataset this result was measured on",
        "name": "FILL-IN the dataset's name",
    }
    assert data["id"] == "fraud" and data["title"] == "Fraud"
    assert data["task"] == {
        "type": "text-classification",
        "input": "FILL-IN what the model receives",
        "output": "FILL-IN what the model returns, and what the product does with it",
    }
    assert data["targets"] == [{"metric": "accuracy", "min": 0}]
    [item] = report["files"]
    assert item["target"] == "model-cards/fraud.md"
    check = invoke(["check", "model-cards", "--format", "json"], cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(check.output)["findings"]}
    assert rules <= {"MT601", "MT202", "MT211"}  # no roster here: owners are not members yet


def test_owners_driver_and_approvers_come_from_the_policy(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", EXAMPLE_REPO)
    write(repo, "legacy/fraud/README.md", HUB)
    write(repo, "legacy/0009-use-helm.md", NYGARD.replace("# 2.", "# 9."))
    code, _ = adopt(["legacy/fraud/README.md", "--output", "model-cards"], repo)
    assert code == 0
    text = (repo / "model-cards" / "fraud.md").read_text(encoding="utf-8")
    assert "  ml-engineer: ada@example.org  # FILL-IN the email of the ml-engineer" in text
    assert "  domain-expert: katherine@example.org  # FILL-IN" in text
    code, _ = adopt(["legacy/0009-use-helm.md", "--output", "decisions"], repo)
    record = front_matter(repo / "decisions" / "0009-use-helm.md")
    assert record["approvers"] == ["ml-engineer", "product-manager"]
    check = invoke(["check", "--format", "json"], cwd=repo)
    rules = {f["rule"] for f in json.loads(check.output)["findings"]}
    assert rules == {"MT601", "MT211", "MT207"}  # 0009 names 0003, which this log lacks


def test_dry_run_shows_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    record = write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    result = invoke(["adopt", "adr", "--dry-run"], cwd=tmp_path)
    assert result.exit_code == 0
    assert "--- a/adr/0002-use-helm-for-packages.md\n+++ b/adr/0002-use-helm-for-packages.md\n" in (
        result.output
    )
    assert "+status: superseded by 0003-use-kustomize\n" in result.output
    assert "would adopt" in result.output and "Nothing was written" in result.output
    assert record.read_text(encoding="utf-8") == NYGARD
    assert sorted(p.name for p in (tmp_path / "adr").iterdir()) == [record.name]


def test_running_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    write(tmp_path, "adr/0004-use-gbm.md", MADR3)
    write(tmp_path, "cards/README.md", HUB)
    assert invoke(["adopt", "adr", "cards"], cwd=tmp_path).exit_code == 0
    first = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = invoke(["adopt", "adr", "cards"], cwd=tmp_path)
    assert again.exit_code == 0 and "Adopted 0 file(s); 3 unchanged" in again.output
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == first


def test_an_existing_output_file_is_never_overwritten(tmp_path: Path) -> None:
    write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    mine = write(tmp_path, "decisions/0002-use-helm-for-packages.md", "# my own notes\n")
    result = invoke(["adopt", "adr", "--output", "decisions"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "not adopted" in result.output and "is not overwritten" in result.output
    assert mine.read_text(encoding="utf-8") == "# my own notes\n"
    code, report = adopt(["adr", "--output", "decisions"], tmp_path)
    assert code == 1 and report["findings"][0]["rule"] == "MT507"


def test_two_cards_that_would_share_a_file_name(tmp_path: Path) -> None:
    write(tmp_path, "a/fraud/README.md", HUB)
    write(tmp_path, "b/fraud/README.md", HUB)
    result = invoke(["adopt", "a", "b", "--output", "model-cards"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "is written to model-cards/fraud.md too" in result.output
    assert [p.name for p in (tmp_path / "model-cards").iterdir()] == ["fraud.md"]


def test_permissions_are_kept_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    record = write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    record.chmod(0o640)
    assert invoke(["adopt", "adr"], cwd=tmp_path).exit_code == 0
    assert stat.S_IMODE(record.stat().st_mode) == 0o640
    assert [p.name for p in (tmp_path / "adr").iterdir()] == [record.name]


def test_byte_order_mark_and_windows_line_endings_are_kept(tmp_path: Path) -> None:
    text = "\ufeff" + NYGARD.replace("\n", "\r\n")
    record = write(tmp_path, "adr/0002-use-helm-for-packages.md", text)
    assert invoke(["adopt", "adr"], cwd=tmp_path).exit_code == 0
    raw = record.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf---\r\ntitle: Use Helm for packages\r\n")
    assert raw.endswith(NYGARD.replace("\n", "\r\n").encode())
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert front_matter(record)["status"] == "superseded by 0003-use-kustomize"


def test_files_that_cannot_be_adopted_are_said_and_left_alone(tmp_path: Path) -> None:
    broken = write(tmp_path, "adr/0001-x.md", "---\nstatus: [accepted\n---\n# 1. X\n")
    os.symlink(broken, tmp_path / "adr" / "0002-link.md")
    write(tmp_path, "adr/notes.txt", "# 3. Not markdown\n")
    write(tmp_path, "adr/template.md", "# [short title of solved problem and solution]\n")
    result = invoke(["adopt", "adr"], cwd=tmp_path)
    assert result.exit_code == 1
    assert "not adopted adr/0001-x.md: invalid YAML" in result.output
    assert "(line 3)" in result.output
    assert "not adopted adr/0002-link.md: a symlink" in result.output
    assert "skipped     adr/template.md: a template of the decision log" in result.output
    assert "notes.txt" not in result.output
    assert broken.read_text(encoding="utf-8") == "---\nstatus: [accepted\n---\n# 1. X\n"


def test_usage_errors_are_exit_2(tmp_path: Path) -> None:
    missing = invoke(["adopt", "nowhere"], cwd=tmp_path)
    assert missing.exit_code == 2 and "'nowhere' does not exist" in missing.output
    write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    write(tmp_path, "afile", "x")
    output = invoke(["adopt", "adr", "--output", "afile"], cwd=tmp_path)
    assert output.exit_code == 2


def test_kind_decides_a_plain_markdown_file(tmp_path: Path) -> None:
    write(tmp_path, "notes/churn.md", "# Churn model\n\nPredicts churn.\n")
    nothing = invoke(["adopt", "notes"], cwd=tmp_path)
    assert (
        "skipped     notes/churn.md: neither a decision record nor a model card" in nothing.output
    )
    as_card = invoke(["adopt", "notes", "--kind", "model-card"], cwd=tmp_path)
    assert as_card.exit_code == 0, as_card.output
    data = front_matter(tmp_path / "notes" / "churn.md")
    assert data["id"] == "churn" and data["status"] == "draft"


def test_a_record_already_in_mltriads_format_is_left_as_it_is(repo: Path) -> None:
    before = {p: p.read_bytes() for p in (repo / "decisions").iterdir()}
    result = invoke(["adopt", "decisions", "model-cards"], cwd=repo)
    assert result.exit_code == 0 and "Adopted 0 file(s); 3 unchanged" in result.output
    assert {p: p.read_bytes() for p in (repo / "decisions").iterdir()} == before


def test_add_sections_appends_fill_ins_after_the_text(tmp_path: Path) -> None:
    record = write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    assert invoke(["adopt", "adr", "--add-sections"], cwd=tmp_path).exit_code == 0
    body = parse_markdown("x", record.read_bytes()).body
    assert body == (
        NYGARD + "\n## Considered Options\n\n"
        "FILL-IN each option that was considered, the chosen one among them\n"
    )


def test_toolkit_json_becomes_a_markdown_card_beside_it(tmp_path: Path) -> None:
    source = {
        "schema_version": "0.0.2",
        "model_details": {
            "name": "Churn predictor",
            "version": {"name": "2.1"},
            "licenses": [{"identifier": "Apache 2.0"}],
            "owners": [{"name": "Ada", "contact": "ada@example.org"}],
        },
        "considerations": {"use_cases": [{"description": "Retention offers"}]},
    }
    write(tmp_path, "cards/churn_card.json", json.dumps(source))
    result = invoke(["adopt", "cards"], cwd=tmp_path)
    assert result.exit_code == 0, result.output
    card = tmp_path / "cards" / "churn-card.md"
    data = front_matter(card)
    assert (data["title"], data["version"], data["license"]) == (
        "Churn predictor",
        "2.1",
        "apache-2.0",
    )
    assert data["intended_use"] == "Retention offers"
    text = card.read_text(encoding="utf-8")
    assert "- Owner: Ada <ada@example.org>" in text and "## Limitations\n\nFILL-IN" in text
    assert json.loads((tmp_path / "cards" / "churn_card.json").read_text()) == source


@pytest.mark.slow
def test_adopt_in_a_real_process(tmp_path: Path) -> None:
    write(tmp_path, "adr/0002-use-helm-for-packages.md", NYGARD)
    proc = run(["adopt", "adr", "--dry-run"], cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == ""
    assert "+title: Use Helm for packages" in proc.stdout
    assert (tmp_path / "adr" / "0002-use-helm-for-packages.md").read_text(
        encoding="utf-8"
    ) == NYGARD


def test_comments_in_rewritten_lists_are_kept(tmp_path: Path) -> None:
    write(
        tmp_path,
        "cards/README.md",
        "---\nlicenses:\n  - mit  # chosen by legal\ndatasets: [imdb]\n---\n# Card\n",
    )
    write(tmp_path, "adr/0003-use-kustomize.md", NYGARD_NEW)
    write(
        tmp_path,
        "adr/0004-use-argo.md",
        "---\nstatus: accepted\ndate: 2022-02-01\nsupersedes:\n  - 1  # the first try\n"
        "driver: ml-engineer\napprovers: [ml-engineer]\ndecision-makers: [Ada]\n---\n# Use Argo\n",
    )
    write(
        tmp_path,
        "adr/0002-use-helm.md",
        NYGARD.replace(
            "[3. Use Kustomize](0003-use-kustomize.md)", "[4. Use Argo](0004-use-argo.md)"
        ),
    )
    assert invoke(["adopt", "cards", "adr"], cwd=tmp_path).exit_code == 0
    card = (tmp_path / "cards" / "README.md").read_text(encoding="utf-8")
    assert "x-licenses:\n  - mit  # chosen by legal\n" in card and "\nlicense: mit\n" in card
    # 0004 is in mltriad's format already: adopting in place leaves it alone, link and all.
    assert "  - 1  # the first try\n" in (tmp_path / "adr" / "0004-use-argo.md").read_text(
        encoding="utf-8"
    )


def test_a_supersede_link_is_added_to_an_existing_list(tmp_path: Path) -> None:
    write(
        tmp_path,
        "adr/0004-use-argo.md",
        "---\nstatus: accepted\nsupersedes:\n  - 1  # the first try\n---\n# Use Argo\n",
    )
    write(
        tmp_path,
        "adr/0002-use-helm.md",
        NYGARD.replace(
            "[3. Use Kustomize](0003-use-kustomize.md)", "[4. Use Argo](0004-use-argo.md)"
        ),
    )
    # In place, 0004 (it has `supersedes`, an mltriad key) would be left as it is; written
    # to another folder, it is completed like any other record.
    assert invoke(["adopt", "adr", "--output", "decisions"], cwd=tmp_path).exit_code == 0
    text = (tmp_path / "decisions" / "0004-use-argo.md").read_text(encoding="utf-8")
    assert "supersedes:\n  - 1  # the first try\n  - 0002-use-helm\n" in text
    data = front_matter(tmp_path / "decisions" / "0004-use-argo.md")
    assert data["supersedes"] == [1, "0002-use-helm"] and data["title"] == "Use Argo"


def test_front_matter_edits_touch_only_what_they_change() -> None:
    from mltriad.formats.frontmatter import Commented, FrontMatterEditor

    text = (
        "---\n# a comment\nstatus: Accepted  # keep me\nold: 1\nflow: [a]\nblock:\n  - x  # note\n"
        "nested:\n  - inner:\n      a: 1\n    more: 2\n---\nBody\n"
    )
    editor = FrontMatterEditor(text, parse_markdown("x.md", text.encode()))
    editor.rename("old", "new")
    editor.replace_value("status", "accepted")
    editor.extend_list("flow", ["b"])
    editor.extend_list("block", ["y"])
    editor.insert_into(["nested", 0], {"added": "z"})
    editor.append({"driver": Commented("ml-engineer", "FILL-IN the role")})
    assert editor.result() == (
        "---\n# a comment\nstatus: accepted  # keep me\nnew: 1\nflow: [a, b]\nblock:\n"
        "  - x  # note\n  - y\nnested:\n  - inner:\n      a: 1\n    more: 2\n    added: z\n"
        "driver: ml-engineer  # FILL-IN the role\n---\nBody\n"
    )


def test_an_adopted_card_edited_since_is_left_alone_when_adopting_again(tmp_path: Path) -> None:
    source = {"model_details": {"name": "Churn"}, "considerations": {"use_cases": ["Offers"]}}
    write(tmp_path, "cards/churn.json", json.dumps(source))
    assert invoke(["adopt", "cards"], cwd=tmp_path).exit_code == 0
    card = tmp_path / "cards" / "churn.md"
    edited = card.read_text(encoding="utf-8").replace(
        "status: draft  # FILL-IN", "status: draft  #"
    )
    card.write_text(edited, encoding="utf-8")
    again = invoke(["adopt", "cards"], cwd=tmp_path)
    assert again.exit_code == 0, again.output
    assert "adopted before" in again.output
    assert card.read_text(encoding="utf-8") == edited


# --- MADR template placeholders left in real records, and templates beside them -----------
BRACED = (
    "---\nstatus: { accepted }\ndate: { 2024-05-02 }\ndeciders: { Ann, Bob }\n"
    "consulted: {list everyone whose opinions are sought (typically subject-matter experts)}\n"
    "---\n# Use Postgres\n\n## Context and Problem Statement\n\nWe need a database.\n\n"
    "## Considered Options\n\n* Postgres\n* MySQL\n\n## Decision Outcome\n\nPostgres.\n"
)
UNTITLED = (
    "---\nstatus: accepted\ndate: 2024-06-01\ndecision-makers: [Ann]\n---\n"
    "# {short title of solved problem and solution}\n\n## Context and Problem Statement\n\n"
    "We need a queue.\n\n## Considered Options\n\n* Kafka\n* RabbitMQ\n\n"
    "## Decision Outcome\n\nKafka.\n"
)
# MADR's template with a colon inside its braces: not YAML at all.
BROKEN_TEMPLATE = (
    "---\nstatus: {proposed | accepted | superseded by [ADR-0005](0005-example.md)}\n"
    "date: {YYYY-MM-DD when the decision was last updated}\n"
    "decision-makers: {list everyone involved in the decision: names}\n---\n"
    "# {short title of solved problem and solution}\n\n## Context and Problem Statement\n"
)


def test_values_left_in_a_templates_braces_are_read_inside(tmp_path: Path) -> None:
    record = write(tmp_path, "adr/0001-use-postgres.md", BRACED)
    result = run(["adopt", "adr"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    text = record.read_text(encoding="utf-8")
    assert text.startswith(
        "---\nstatus: accepted  # was: {accepted}\n"
        "date: 2024-05-02  # was: {2024-05-02}\n"  # the record's date, not today's
        "decision-makers: [Ann, Bob]  # was: {Ann, Bob}\n"
        # a template's instructions are not a value: check reports them (MT601)
        "consulted: {list everyone whose opinions are sought (typically subject-matter "
        "experts)}\n"
    )
    data = front_matter(record)
    assert (data["status"], data["date"], data["decision-makers"]) == (
        "accepted",
        "2024-05-02",
        ["Ann", "Bob"],
    )
    assert "status '{accepted}' written as 'accepted'" in result.stdout
    assert "date '{2024-05-02}' written as 2024-05-02" in result.stdout
    assert text.endswith(BRACED.split("---\n", 2)[2])  # the text is kept byte for byte


def test_a_numbered_record_with_the_templates_title_is_adopted_with_a_fill_in(
    tmp_path: Path,
) -> None:
    record = write(tmp_path, "adr/0002-use-kafka-for-events.md", UNTITLED)
    result = run(["adopt", "adr"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(
        "adopted     adr/0002-use-kafka-for-events.md: MADR front matter; FILL-IN: title, "
    )
    assert (
        "title: Use kafka for events  # FILL-IN the record's title; its heading is still "
        "'{short title of solved problem and solution}'\n"
    ) in record.read_text(encoding="utf-8")
    checked = run(["check", "adr/0002-use-kafka-for-events.md"], cwd=tmp_path)
    assert "5:32: error MT601: suggested value not confirmed yet" in checked.stdout


def test_templates_with_invalid_yaml_are_skipped_and_a_real_folder_adopts_with_exit_0(
    tmp_path: Path,
) -> None:
    write(tmp_path, "adr/0001-use-postgres.md", BRACED)
    write(tmp_path, "adr/0002-use-kafka-for-events.md", UNTITLED)
    for name in ("adr-template.md", "template.md", "madr-template.md", "adr-template-bare.md"):
        write(tmp_path, f"adr/{name}", BROKEN_TEMPLATE)
    result = run(["adopt", "adr"], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("adr-template-bare.md", "adr-template.md", "madr-template.md", "template.md"):
        assert f"skipped     adr/{name}: a template of the decision log, not a record\n" in (
            result.stdout
        )
    assert "Adopted 2 file(s); 0 unchanged, 4 skipped, 0 not adopted." in result.stdout
    assert (tmp_path / "adr" / "template.md").read_text(encoding="utf-8") == BROKEN_TEMPLATE
    again = run(["adopt", "adr"], cwd=tmp_path)
    assert again.returncode == 0 and "Adopted 0 file(s); 2 unchanged, 4 skipped" in again.stdout
    # A record (not a template) whose YAML is broken is still not adopted: exit 1.
    write(tmp_path, "adr/0003-choose-a-template.md", BROKEN_TEMPLATE)
    broken = run(["adopt", "adr"], cwd=tmp_path)
    assert broken.returncode == 1
    assert "not adopted adr/0003-choose-a-template.md: invalid YAML" in broken.stdout
