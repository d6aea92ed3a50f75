"""How the test suite is put together: what test modules share lives in tests/helpers/,
never in another test module (importing one runs its tests' module code twice and ties
the two modules' refactors together)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import TESTS

TEST_MODULES = sorted(TESTS.glob("test_*.py"))


def imported_test_modules(source: str) -> list[str]:
    """The `tests.test_*` modules that `source` imports, anywhere in its code."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            # A relative import in tests/ is relative to the tests package.
            module = ".".join(filter(None, ["tests" if node.level else "", node.module]))
            names |= {f"{module}.{alias.name}" for alias in node.names}  # from tests import x
    modules = {".".join(name.split(".")[:2]) for name in names}
    return sorted(m for m in modules if m.startswith("tests.test_"))


@pytest.mark.parametrize("module", TEST_MODULES, ids=lambda p: p.name)
def test_no_test_module_imports_another(module: Path) -> None:
    imported = imported_test_modules(module.read_text(encoding="utf-8"))
    assert imported == [], f"{module.name} imports {imported}; move what it uses to tests/helpers/"


def test_the_support_modules_import_no_test_module() -> None:
    for module in [*sorted((TESTS / "helpers").glob("*.py")), TESTS / "conftest.py"]:
        assert imported_test_modules(module.read_text(encoding="utf-8")) == [], module.name


@pytest.mark.parametrize(
    "source",
    [
        "from tests.test_signoff import Team",
        "import tests.test_site",
        "from tests import test_site",
        "from .test_site import build",
        "from . import test_site",
        "def f():\n    from tests.test_signoff import make_keys\n",
    ],
)
def test_every_way_of_importing_a_test_module_is_caught(source: str) -> None:
    assert imported_test_modules(source) != []


def test_the_support_modules_are_not_mistaken_for_test_modules() -> None:
    assert imported_test_modules("from tests.helpers.signing import Team") == []
    assert imported_test_modules("from tests.helpers import git, invoke") == []
