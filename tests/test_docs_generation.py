"""The generators behind the reference pages, on small inputs (no MkDocs build)."""

from __future__ import annotations

import click

from mltriad.docgen import cli_reference, markdown, rule_reference, schema_reference, snippets
from mltriad.findings import Rule, Severity


def test_a_command_added_later_appears_with_its_options_and_subcommands() -> None:
    @click.group()
    def tool() -> None:
        """A tool."""

    @tool.command()
    @click.option("--base", metavar="REF", default="main", help="The branch to compare with.")
    @click.argument("paths", nargs=-1)
    def audit(base: str, paths: tuple[str, ...]) -> None:
        """Audit the artifacts.

        \b
        Examples:
          mltriad audit --base origin/main   compare with the remote branch
        """

    @tool.group()
    def hooks() -> None:
        """Manage hooks."""

    @hooks.command(name="install")
    def install_hook() -> None:
        """Install the hooks."""

    @tool.command(hidden=True)
    def secret() -> None:
        """Not for users."""

    page = cli_reference.page(tool)

    assert "## mltriad audit { #audit }" in page
    assert "mltriad audit [OPTIONS] [PATHS]..." in page
    assert "| `--base` | `REF` | The branch to compare with. Default: `main`. |" in page
    assert "mltriad audit --base origin/main  # compare with the remote branch" in page
    assert "## mltriad hooks install { #hooks-install }" in page
    assert "[`mltriad hooks install`](#hooks-install)" in page
    assert "secret" not in page


def test_commands_follow_reading_order_then_the_alphabet() -> None:
    group = click.Group(
        "mltriad", commands=[click.Command(n) for n in ("zebra", "gate", "check", "alpha", "init")]
    )
    order = [doc.path for doc in cli_reference.walk(group)]
    assert order == [
        "mltriad",
        "mltriad init",
        "mltriad check",
        "mltriad gate",
        "mltriad alpha",
        "mltriad zebra",
    ]


def test_help_text_paragraphs_are_reflowed_and_verbatim_blocks_kept() -> None:
    text = cli_reference.help_markdown(
        "First line.\n\n    A paragraph\n    on two lines with `code`.\n\n"
        "    \b\n    Exit codes:\n      0  fine\n      1  blocked\n"
    )
    assert text.startswith("First line.\n\nA paragraph on two lines with `code`.")
    assert "Exit codes:\n\n```bash\n0  # fine\n1  # blocked\n```" in text


def test_markdown_text_escapes_outside_code_spans_only() -> None:
    assert markdown.text("a|b `x|y` <role> *") == "a\\|b `x|y` &lt;role> \\*"
    assert markdown.code("has `tick`") == "`` has `tick` ``"
    assert markdown.fence("```\ninner\n```", "md").startswith("````md\n")


SCHEMA = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {"title": "Kind", "description": "What it is.", "enum": ["a", "b"]},
        "people": {"$ref": "#/$defs/people"},
        "slices": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["cases"],
                "properties": {"cases": {"type": "integer", "minimum": 0, "title": "Cases"}},
            },
        },
        "cost": {"anyOf": [{"enum": ["low", "high"]}, {"type": "number", "minimum": 0}]},
    },
    "patternProperties": {"^x-": {"title": "Extension"}},
    "additionalProperties": False,
    "$defs": {
        "people": {
            "title": "People",
            "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
        }
    },
}


def test_schema_sections_cover_nested_objects_and_refs() -> None:
    sections = schema_reference.sections(SCHEMA)
    assert [s.path for s in sections] == ["", "slices[]"]
    top = {f.name: f for f in sections[0].fields}
    assert set(top) == {"kind", "people", "slices", "cost", "x-…"}
    assert top["kind"].required and not top["cost"].required
    assert schema_reference.type_of(SCHEMA, top["people"].node) == "list of text or text"
    assert schema_reference.type_of(SCHEMA, top["slices"].node) == "list of mappings"
    assert schema_reference.type_of(SCHEMA, top["cost"].node) == "text or number"
    described = schema_reference.describe(SCHEMA, top["cost"].node)
    assert "As text: allowed: `low`, `high`." in described
    assert "As number: at least 0." in described
    assert schema_reference.describe(SCHEMA, top["people"].node).startswith("**People.**")


def test_rule_page_groups_rules_by_family_with_lowercase_anchors() -> None:
    rules = [
        Rule(
            "MT104",
            "value-not-allowed",
            "A value is not allowed.",
            example="status: shipped",
            fix="Use one of the values listed.",
        ),
        Rule(
            "MT402", "stale-signoff", "The artifact changed after the sign-off.", Severity.WARNING
        ),
    ]
    page = rule_reference.page(rules)
    assert "### MT104 value-not-allowed { #mt104 }" in page
    assert "## MT4xx: Sign-offs and the merge gate { #mt4xx }" in page
    assert "```yaml\nstatus: shipped\n```" in page
    assert "**Severity**: warning: reported, does not block." in page


def test_snippets_hold_real_output_of_every_format() -> None:
    found = snippets()
    assert "error MT104:" in found["output-text"]
    assert '"rule": "MT206"' in found["output-json"]
    assert found["output-github"].count("::error file=model-cards/fraud-detector.md") >= 2
    assert "## :x: mltriad check" in found["output-github-summary"]
    assert (
        '"helpUri": "https://mltriad.github.io/mltriad/reference/rules/#mt'
        in found["output-sarif-rule"]
    )
    assert "| Schema | Kind | $id | Validates |" in found["schema-ids"]
    assert '"check_name": "MT104"' in found["output-gitlab"]
    assert found["output-junit"].count('<failure message="missing; may sign: ') == 3
