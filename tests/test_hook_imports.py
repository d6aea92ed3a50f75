"""The pre-commit hook's path stays light: `mltriad check` on valid artifacts imports neither
GitPython nor MkDocs nor jsonschema, and the hook's plain form (`mltriad check PATH...`)
not even Click.

Each check runs the installed console script in a subprocess, as the hook does, with
`PYTHONPROFILEIMPORTTIME=1` (the same as `python -X importtime`): the interpreter then lists
on stderr every module it imports, nested under the module that imported it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, run

sys.path.insert(0, str(ROOT / "bench"))
from importtime import import_chain, imported_modules

HEAVY = ("git", "mkdocs", "jsonschema", "click")


def heavy_imports(args: list[str], cwd: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Run `mltriad ARGS`; the heavy modules it imported (with their chains), and all names."""
    result = run(args, cwd, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    imported = imported_modules(result.stderr)
    names = [name for name, _ in imported]
    heavy = {
        name: import_chain(imported, at)
        for at, (name, _) in enumerate(imported)
        if name.split(".")[0] in HEAVY
    }
    return heavy, names


@pytest.mark.parametrize(
    "args",
    [
        ["check", "model-cards/fraud-detector.md"],
        ["check", "--", "model-cards/fraud-detector.md"],
        ["check"],
    ],
    ids=[
        "one model card, as pre-commit runs it",
        "after --, as the git hook runs it",
        "the whole repository",
    ],
)
def test_check_of_valid_artifacts_imports_no_heavy_module(repo: Path, args: list[str]) -> None:
    heavy, names = heavy_imports(args, repo)
    # The listing is real: it shows the entry point, the check and PyYAML being imported.
    assert {"mltriad.console", "mltriad.commands.check", "yaml"} <= set(names)
    assert "mltriad.cli" not in names
    assert heavy == {}, "\n".join(
        # A module imported inside a function, once the command runs, is listed at the top.
        " <- ".join(chain) if len(chain) > 1 else f"{chain[0]}, at run time (in a function)"
        for chain in heavy.values()
    )


def test_import_chain_follows_the_nesting() -> None:
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:        10 |         10 |       jsonschema._types",
            "import time:        20 |         30 |     jsonschema",
            "import time:         5 |          5 |     mltriad.findings",
            "import time:        40 |         75 |   mltriad.schemas",
            "import time:        50 |        125 | mltriad.cli",
            "a line the command printed | with | bars",
        ]
    )
    imported = imported_modules(stderr)
    assert [name for name, _ in imported] == [
        "jsonschema._types",
        "jsonschema",
        "mltriad.findings",
        "mltriad.schemas",
        "mltriad.cli",
    ]
    assert import_chain(imported, 1) == ["jsonschema", "mltriad.schemas", "mltriad.cli"]


def test_any_option_goes_through_click(repo: Path) -> None:
    """`--format` (or `-C`, `--help`) is Click's to parse: only the plain form skips it."""
    _heavy, names = heavy_imports(["check", "--format", "json"], repo)
    assert "click" in names and "mltriad.cli" in names


def test_a_card_in_mltriads_format_loads_no_reader_renderer_or_kind_schema(
    repo: Path,
) -> None:
    """The hook loads what its files need: not the readers of other tools' formats, not
    the renderers of other formats; the readers load for a card in the Hub's format."""
    lazy = {
        "mltriad.formats.reading",
        "mltriad.formats.huggingface",
        "mltriad.formats.madr",
        "mltriad.formats.model",
        "mltriad.report.sarif",
        "mltriad.report.github",
        "mltriad.report.gitlab",
        "mltriad.report.json_format",
    }
    _heavy, names = heavy_imports(["check", "model-cards/fraud-detector.md"], repo)
    assert "mltriad.rules.format_rules" in names  # the listing is real
    assert lazy.isdisjoint(names), sorted(lazy.intersection(names))
    hub_card = repo / "model-cards" / "hub-card.md"
    hub_card.write_text("---\nlicense: mit\npipeline_tag: text-classification\n---\n# Card\n")
    result = run(["check", "model-cards/hub-card.md"], repo, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.returncode == 1, result.stdout + result.stderr  # MT503: not a triad card yet
    assert "MT503" in result.stdout
    assert {"mltriad.formats.reading", "mltriad.formats.huggingface"} <= {
        name for name, _ in imported_modules(result.stderr)
    }
