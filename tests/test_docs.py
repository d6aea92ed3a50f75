"""mltriad's own documentation: it builds with `mkdocs build --strict`, and its reference
pages cover every command, rule and schema field of the installed mltriad."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mltriad import schemas
from mltriad.report.model import Report
from mltriad.report.sarif import document as sarif_document
from mltriad.rules import all_rules
from tests.helpers import ROOT, run

pytestmark = pytest.mark.slow

DOCS_HOOKS = ROOT / "docs" / "hooks.py"


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs-site")
    result = build(ROOT / "mkdocs.yml", out)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr}"
    return out


def page_html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def visible_text(markup: str) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", markup)
    return " ".join(html.unescape(without_tags).split())


def shows(markup: str, phrase: str) -> bool:
    """Whether the page shows `phrase` (Markdown code marks rendered, spacing ignored)."""

    def squash(value: str) -> str:
        return re.sub(r"\s+", "", value)

    rendered = html.unescape(re.sub(r"<[^>]+>", "", markup))
    return squash(phrase.replace("`", "")) in squash(rendered)


def anchors(markup: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', markup))


def test_site_has_every_page_of_the_nav(site: Path) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for page in nav_pages(config["nav"]):
        if (ROOT / "docs" / page).exists() or page.startswith("reference/"):
            built = site / page.removesuffix(".md").removesuffix("index") / "index.html"
            assert built.exists(), f"{page} is in the nav but was not built"


def nav_pages(nav: Any) -> Iterator[str]:
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            yield from nav_pages(value)
        else:
            yield value


def test_no_heading_id_starts_with_a_digit(site: Path) -> None:
    # The theme's scroll-spy passes ids to querySelector, which rejects `#1-install`.
    for page in site.rglob("*/index.html"):
        for anchor in re.findall(r'<h[1-6] id="([^"]+)"', page.read_text(encoding="utf-8")):
            assert not anchor[0].isdigit(), f"{page.relative_to(site)}: heading id {anchor}"


def help_commands(args: list[str]) -> list[str]:
    """The command names a `--help` screen lists under `Commands:`."""
    result = run([*args, "--help"], cwd=ROOT)
    assert result.returncode == 0, result.stderr
    listing = result.stdout.partition("\nCommands:\n")[2]
    return [
        line.split()[0] for line in listing.splitlines() if line.startswith("  ") and line.strip()
    ]


def test_cli_reference_documents_every_command_of_help(site: Path) -> None:
    markup = page_html(site, "reference/cli")
    text = visible_text(markup)
    pending = [[name] for name in help_commands([])]
    assert pending, "mltriad --help lists no commands"
    while pending:
        path = pending.pop()
        anchor = "-".join(path)
        assert anchor in anchors(markup), f"`mltriad {' '.join(path)}` has no section"
        assert f"mltriad {' '.join(path)} [OPTIONS]" in text, f"no usage line for {path}"
        pending += [[*path, sub] for sub in help_commands(path)]


def test_cli_reference_lists_every_option(site: Path) -> None:
    import click

    from mltriad.cli import cli

    text = visible_text(page_html(site, "reference/cli"))
    ctx = click.Context(cli, info_name="mltriad")
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None
        for param in command.params:
            if isinstance(param, click.Option) and param.help:
                for opt in param.opts:
                    assert opt in text, f"mltriad {name}: option {opt} is not documented"


def test_rules_reference_has_an_entry_and_anchor_per_rule(site: Path) -> None:
    result = run(["rules", "--format", "json"], cwd=ROOT)
    listed = json.loads(result.stdout)
    markup = page_html(site, "reference/rules")
    text = visible_text(markup)
    ids = anchors(markup)
    assert len(listed) == len(all_rules())
    for rule in listed:
        assert rule["id"].lower() in ids, f"{rule['id']} has no #{rule['id'].lower()} anchor"
        assert f"{rule['id']} {rule['name']}" in text
        assert shows(markup, rule["summary"]), f"{rule['id']}: summary not shown"


def test_sarif_help_links_land_on_the_rules_page(site: Path) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    ids = anchors(page_html(site, "reference/rules"))
    driver = sarif_document(Report("check", [], 0))["runs"][0]["tool"]["driver"]
    for rule in driver["rules"]:
        page, _, fragment = rule["helpUri"].partition("#")
        assert page == config["site_url"] + "reference/rules/"
        assert fragment in ids


def schema_properties(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (name, definition) under any `properties` of a schema, at any depth."""
    if isinstance(node, dict):
        yield from node.get("properties", {}).items()
        for value in node.values():
            yield from schema_properties(value)
    elif isinstance(node, list):
        for item in node:
            yield from schema_properties(item)


@pytest.mark.parametrize("kind", list(schemas.KINDS))
def test_schema_reference_documents_every_property(site: Path, kind: str) -> None:
    schema = json.loads((ROOT / "schemas" / schemas.KINDS[kind]).read_text(encoding="utf-8"))
    markup = page_html(site, f"reference/schemas/{kind}")
    text = visible_text(markup)
    found = list(schema_properties(schema))
    assert found
    for name, definition in found:
        assert f"<code>{html.escape(name, quote=False)}</code>" in markup, f"{kind}: {name}"
        if "title" in definition:
            assert shows(markup, definition["title"]), f"{kind}: title of {name}"
        if "description" in definition:
            assert shows(markup, definition["description"]), f"{kind}: description of {name}"
        for value in definition.get("enum", []):
            assert str(value) in text, f"{kind}: allowed value {value} of {name}"
    assert schema["$id"] in text
    assert (site / "reference" / "schemas" / schemas.KINDS[kind]).read_text(encoding="utf-8") == (
        ROOT / "schemas" / schemas.KINDS[kind]
    ).read_text(encoding="utf-8")


def test_schema_overview_lists_every_id(site: Path) -> None:
    text = visible_text(page_html(site, "reference/schemas"))
    for kind in schemas.KINDS:
        assert schemas.schema(kind)["$id"] in text
    assert "yaml-language-server: $schema=" in text


def test_output_page_shows_real_output_of_each_format(site: Path) -> None:
    markup = page_html(site, "reference/output")
    text = visible_text(markup)
    assert re.search(r"model-cards/fraud-detector\.md:\d+:\d+: error MT104: ", text)
    assert "::error file=model-cards/fraud-detector.md,line=" in text
    blocks = [
        html.unescape(b)
        for b in re.findall(r'<code class="language-json">(.*?)</code>', markup, re.DOTALL)
    ]
    documents = [json.loads(b) for b in blocks]
    report = next(d for d in documents if d.get("version") == 1 and "findings" in d)
    assert {f["rule"] for f in report["findings"]} >= {"MT104", "MT206"}
    sarif = next(d for d in documents if d.get("version") == "2.1.0")
    assert sarif["runs"][0]["results"][0]["ruleId"] in {"MT104", "MT206"}
    assert "<!-- mltriad:" not in markup


def copy_docs(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path / "mkdocs.yml"


def test_missing_contributed_page_is_left_out_of_nav_and_links(tmp_path: Path) -> None:
    config = copy_docs(tmp_path)
    guide = tmp_path / "docs" / "guides" / "triad-site.md"
    guide.unlink(missing_ok=True)
    result = build(config, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "guides/triad-site.md" in result.stderr  # named in the build log
    built = (tmp_path / "site" / "getting-started" / "index.html").read_text(encoding="utf-8")
    assert "triad-site/" not in built
    assert "publishing the triad site" in visible_text(built)


def test_any_other_broken_link_still_fails_the_build(tmp_path: Path) -> None:
    config = copy_docs(tmp_path)
    page = tmp_path / "docs" / "concepts" / "triad.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nSee [nowhere](nowhere.md).\n", encoding="utf-8"
    )
    result = build(config, tmp_path / "site")
    assert result.returncode != 0
    assert "nowhere.md" in result.stderr
