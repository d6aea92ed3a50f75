"""The command line contract: help, version, exit codes, output formats, -C, and start-up."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from mltriad import __version__
from mltriad.cli import cli
from tests.helpers import EXAMPLE_REPO, TESTS, break_card, invoke, make_repo, run

GOLDEN = TESTS / "data" / "golden"


def test_version() -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_every_command_has_help_with_an_example() -> None:
    ctx = click.Context(cli)
    names = cli.list_commands(ctx)
    assert {"check", "schema", "rules", "digest"} <= set(names)
    for name in names:
        result = invoke([name, "--help"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"`mltriad {name} --help` shows no example"


def test_check_valid_repository_exits_0(repo: Path) -> None:
    result = invoke(["-C", str(repo), "check"])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.output


def test_check_with_findings_exits_1_with_located_lines(repo: Path) -> None:
    break_card(repo)
    result = invoke(["-C", str(repo), "check"])
    assert result.exit_code == 1
    assert "model-cards/fraud-detector.md:5:9: error MT104: status is 'shipped'" in result.output
    assert "1 error" in result.output.splitlines()[-1]


def test_missing_policy_is_a_configuration_error(tmp_path: Path) -> None:
    result = invoke(["-C", str(tmp_path), "check"])
    assert result.exit_code == 2
    assert "no triad.yaml" in result.output and "mltriad init" in result.output


def test_invalid_policy_exits_2_naming_file_and_line(repo: Path) -> None:
    policy = repo / "triad.yaml"
    policy.write_text(policy.read_text().replace("identity: author", "identity: trust-me"))
    result = invoke(["-C", str(repo), "check"])
    assert result.exit_code == 2
    assert "triad.yaml:" in result.output and "MT104" in result.output


def test_unknown_option_and_bad_choice_exit_2() -> None:
    assert invoke(["check", "--bogus"]).exit_code == 2
    assert invoke(["check", "--format", "xml"]).exit_code == 2
    assert invoke(["schema", "nonsense"]).exit_code == 2


def test_check_paths_only_checks_those_files_but_resolves_references(repo: Path) -> None:
    break_card(repo)
    decision = repo / "decisions" / "0002-use-gradient-boosting.md"
    result = invoke(["-C", str(repo), "check", "decisions/0002-use-gradient-boosting.md"])
    assert result.exit_code == 0, result.output
    assert "1 file checked" in result.output
    decision.write_text(decision.read_text().replace("models: [fraud-detector]", "models: [nope]"))
    result = invoke(["-C", str(repo), "check", str(decision)])
    assert result.exit_code == 1 and "MT208" in result.output


def test_check_path_that_does_not_exist_is_a_usage_error(repo: Path) -> None:
    result = invoke(["-C", str(repo), "check", "model-cards/ghost.md"])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_json_format_is_stable(repo: Path) -> None:
    # tests/data/golden/check.json is written by hand; this test only ever reads it.
    break_card(repo)
    result = invoke(["-C", str(repo), "check", "--format", "json"])
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["tool"]["version"] == __version__
    document["tool"]["version"] = "<version>"  # the one field that changes with each release
    golden = json.loads((GOLDEN / "check.json").read_text(encoding="utf-8"))
    assert document == golden
    assert json.dumps(document) == json.dumps(golden), "the same fields, in another order"


def test_a_finding_says_the_same_in_text_and_json(repo: Path) -> None:
    break_card(repo)
    text = invoke(["-C", str(repo), "check"]).output.splitlines()
    (finding,) = json.loads(invoke(["-C", str(repo), "check", "--format", "json"]).output)[
        "findings"
    ]
    assert text[0] == (
        "model-cards/fraud-detector.md:5:9: error MT104: status is 'shipped', which is not "
        "allowed; use one of: draft, candidate, production, retired"
    )
    assert text[0] == "{path}:{line}:{column}: {severity} {rule}: {message}".format(**finding)


def test_github_format_writes_annotations_and_step_summary(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_card(repo)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = invoke(["-C", str(repo), "check"])  # github is the default inside Actions
    assert result.exit_code == 1
    assert "::error file=model-cards/fraud-detector.md,line=5,col=9,title=MT104::" in result.output
    text = summary.read_text()
    assert "| `model-cards/fraud-detector.md:5` | error | MT104 |" in text


def test_sarif_format_is_sarif_2_1_0(repo: Path) -> None:
    break_card(repo)
    document = json.loads(invoke(["-C", str(repo), "check", "--format", "sarif"]).output)
    assert document["version"] == "2.1.0"
    run_ = document["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    (result,) = run_["results"]
    assert result["ruleId"] == "MT104" and rule_ids[result["ruleIndex"]] == "MT104"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 5, "startColumn": 9}


def test_schema_command_prints_each_kind() -> None:
    for kind in ("policy", "model-card", "decision", "eval-set", "signoff"):
        result = invoke(["schema", kind])
        assert result.exit_code == 0
        assert json.loads(result.output)["$schema"].endswith("2020-12/schema")
    listing = invoke(["schema"]).output
    assert "model-card" in listing and "https://" in listing


def test_rules_command_lists_rule_ids() -> None:
    result = invoke(["rules", "--format", "json"])
    ids = [r["id"] for r in json.loads(result.output)]
    assert ids == sorted(ids) and "MT001" in ids and "MT101" in ids


def test_digest_normalises_line_endings(repo: Path) -> None:
    spec = repo / "eval-sets" / "fraud-holdout.yaml"
    lf = invoke(["-C", str(repo), "digest", "eval-sets/fraud-holdout.yaml"]).output.strip()
    spec.write_bytes(spec.read_bytes().replace(b"\n", b"\r\n"))
    crlf = invoke(["-C", str(repo), "digest", "eval-sets/fraud-holdout.yaml"]).output.strip()
    assert lf == crlf and lf.startswith("sha256:") and len(lf) == 71


def test_installed_entry_point_runs_in_a_subprocess(repo: Path) -> None:
    ok = run(["check"], repo)
    assert ok.returncode == 0, ok.stderr
    break_card(repo)
    failed = run(["-C", str(repo), "check", "--format", "json"], repo.parent)
    assert failed.returncode == 1 and json.loads(failed.stdout)["summary"]["errors"] == 1
    assert "Traceback" not in failed.stderr


def test_check_does_not_import_git_or_mkdocs(repo: Path) -> None:
    code = (
        "import sys\n"
        "from mltriad.cli import main\n"
        "try:\n    main(['check'])\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in ('git', 'mkdocs', 'jinja2') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    assert "LOADED []" in out


def test_internal_error_is_one_line_with_a_log(
    repo: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    import mltriad.commands.check

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(mltriad.commands.check, "check", explode)
    result = invoke(["-C", str(repo), "check"])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: boom" in result.output
    log = isolated_home / ".cache" / "mltriad" / "mltriad.log"
    assert "Traceback" in log.read_text()


def test_github_and_sarif_paths_are_relative_to_the_git_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outer = make_repo(tmp_path / "mono", None, commit=False)
    shutil.copytree(EXAMPLE_REPO, outer / "ml")
    break_card(outer / "ml")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    annotations = invoke(["-C", str(outer / "ml"), "check", "--format", "github"]).output
    assert "::error file=ml/model-cards/fraud-detector.md,line=5" in annotations
    sarif = json.loads(invoke(["-C", str(outer / "ml"), "check", "--format", "sarif"]).output)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "ml/model-cards/fraud-detector.md"


@pytest.mark.parametrize(
    "case",
    ["valid", "finding", "bad policy", "missing file", "symlink loop"],
)
def test_the_hooks_plain_form_behaves_as_the_click_command(
    repo: Path, case: str, tmp_path: Path
) -> None:
    """`mltriad check PATH` skips Click; `--format text` goes through it: same result."""
    paths = ["model-cards/fraud-detector.md"]
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    if case == "finding":
        break_card(repo)
    elif case == "bad policy":
        (repo / "triad.yaml").write_text("version: 1\nroles: [\n", encoding="utf-8")
    elif case == "missing file":
        paths = ["model-cards/nothing-here.md"]
    elif case == "symlink loop":
        (repo / "model-cards" / "loop.md").symlink_to("loop.md")
        paths = ["model-cards/loop.md"]
    plain = run(["check", *paths], repo, env=env)
    through_click = run(["check", "--format", "text", *paths], repo, env=env)
    assert (plain.returncode, plain.stdout, plain.stderr) == (
        through_click.returncode,
        through_click.stdout,
        through_click.stderr,
    )
    expected = {"valid": 0, "finding": 1, "bad policy": 2, "missing file": 2, "symlink loop": 1}
    assert plain.returncode == expected[case], plain.stdout + plain.stderr


def test_after_a_double_dash_every_argument_is_a_path(repo: Path) -> None:
    """The git hook passes `check -- PATH...`, so a file named like an option is a file."""
    cards = repo / "model-cards"
    (cards / "-odd.md").write_text(
        (cards / "fraud-detector.md")
        .read_text(encoding="utf-8")
        .replace("status: candidate", "status: shipped"),
        encoding="utf-8",
    )
    plain = run(["check", "--", "-odd.md"], cards)
    through_click = run(["check", "--format", "text", "--", "-odd.md"], cards)
    assert plain.returncode == through_click.returncode == 1
    assert plain.stdout == through_click.stdout
    assert "model-cards/-odd.md:" in plain.stdout


def test_a_refused_card_gets_no_verdict_on_its_targets(repo: Path) -> None:
    break_card(repo)
    result = invoke(["-C", str(repo), "check", "model-cards/fraud-detector.md"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "model-cards/fraud-detector.md: meets targets" not in lines
    assert (
        "model-cards/fraud-detector.md: 1 error above; targets are judged once the card is valid"
        in lines
    )


def test_top_level_help_cuts_no_description() -> None:
    """Every command's line in `mltriad --help` is whole at 80 columns: no '...'."""
    result = invoke(["--help"])
    commands = result.output.split("Commands:\n", 1)[1].splitlines()
    assert commands and all(not line.rstrip().endswith("...") for line in commands)
    assert all(line.startswith("  ") and not line.startswith("    ") for line in commands)
