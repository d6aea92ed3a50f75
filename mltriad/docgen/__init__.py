"""The generated parts of mltriad's documentation: commands, schemas, rules, output examples.

The documentation site (`mkdocs.yml` at the repository root, `docs/hooks.py`) calls
`pages()` and `snippets()` at build time, so the reference always describes the code it
ships with. Nothing here imports MkDocs.
"""

from __future__ import annotations

from mltriad import schemas
from mltriad.cli import cli
from mltriad.docgen import cli_reference, output_examples, rule_reference, schema_reference
from mltriad.rules import all_rules


def pages() -> dict[str, str | bytes]:
    """Generated files by their path under docs/: Markdown pages and the raw schemas."""

    generated: dict[str, str | bytes] = {
        "reference/cli.md": cli_reference.page(cli),
        rule_reference.PAGE_PATH: rule_reference.page(all_rules()),
    }
    for kind in schemas.KINDS:
        generated[schema_reference.kind_page_path(kind)] = schema_reference.page(kind)
        generated[schema_reference.schema_file_path(kind)] = schemas.schema_text(kind)
    return generated


def snippets() -> dict[str, str]:
    """Markdown that hand-written pages ask for with a `<!-- mltriad:NAME -->` line."""
    return {**output_examples.snippets(), "schema-ids": schema_reference.ids_table()}
