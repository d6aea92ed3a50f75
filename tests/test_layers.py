"""The package is a pipeline of layers: no module imports one above its own, and no cycles.

The contract is in pyproject.toml (`[tool.importlinter]`); `lint-imports` enforces it in
CI. These tests run it too, and check what the contract cannot: that every module of the
package sits in some layer, and that the import graph, function-level imports included,
has no cycle at all (not even inside one layer).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

grimp = pytest.importorskip("grimp")


def _contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return layers


def _rooms() -> set[str]:
    rooms: set[str] = set()
    for layer in _contract()["layers"]:  # type: ignore[attr-defined]
        rooms.update(part.strip() for part in layer.split("|"))
    return rooms


def _graph() -> grimp.ImportGraph:
    # The checkout's source: the contract is about the code, wherever it is installed.
    sys.path.insert(0, str(ROOT))
    try:
        return grimp.build_graph("mltriad", cache_dir=None)
    finally:
        sys.path.remove(str(ROOT))


def test_every_module_is_in_a_layer() -> None:
    package = ROOT / "mltriad"
    found = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    found |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert found - _rooms() == set(), "add these modules to a layer in pyproject.toml"
    assert _rooms() - found == set(), "the contract names modules that do not exist"


def test_the_import_graph_has_no_cycle() -> None:
    graph = _graph()
    cycles = [
        (module, other)
        for module in graph.modules
        for other in graph.find_modules_directly_imported_by(module)
        if module != other
        and not other.startswith(module + ".")  # a package importing its own rooms
        and graph.chain_exists(importer=other, imported=module)
    ]
    assert cycles == []


def test_lint_imports_keeps_every_contract() -> None:
    lint = shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (it is in the test extra)")
    done = subprocess.run(
        [lint, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_layers_contract_catches_a_back_edge(tmp_path: Path) -> None:
    """The contract is not vacuous: a low room importing a high one breaks it."""
    lint = shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is not installed (it is in the test extra)")
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "mltriad", copy / "mltriad")
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with (copy / "mltriad" / "findings.py").open("a", encoding="utf-8") as handle:
        handle.write("\nimport mltriad.rules  # a back-edge\n")
    done = subprocess.run(
        [lint, "--config", "pyproject.toml", "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "mltriad.findings is not allowed to import mltriad.rules" in done.stdout
