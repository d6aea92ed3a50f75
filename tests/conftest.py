"""Shared fixtures: every test runs with its own HOME and git identity, never the developer's."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _import_installed_mltriad() -> None:
    """Import `mltriad` from the installed distribution, never from this checkout.

    `python -m pytest` and pytest's rootdir insertion both put the repository root on
    `sys.path`, where the package's source folder would shadow the installed wheel. Import
    the package once with the root removed; every later `import mltriad.x` then follows
    the installed package's `__path__`.
    """
    root = Path(__file__).resolve().parents[1]
    if _editable_install():
        return  # a developer's `pip install -e .`: the checkout is the installed package
    kept = sys.path[:]
    sys.path[:] = [p for p in kept if Path(p or os.curdir).resolve() != root]
    try:
        import mltriad
    except ImportError:
        pytest.exit(
            "mltriad is not installed in this environment; run "
            "`python -m pip install '.[test]'` first (the tests run against the "
            "installed package, not the checkout)",
            returncode=2,
        )
    finally:
        sys.path[:] = kept
    location = Path(mltriad.__file__ or root).resolve()
    checkout = root / "mltriad"
    if location == checkout or checkout in location.parents:
        pytest.exit(
            f"imported mltriad from the checkout ({location}), not from the installed wheel",
            returncode=2,
        )


def _editable_install() -> bool:
    import json
    from importlib import metadata

    try:
        direct = metadata.distribution("mltriad").read_text("direct_url.json") or "{}"
    except metadata.PackageNotFoundError:
        return False
    return bool(json.loads(direct).get("dir_info", {}).get("editable", False))


_import_installed_mltriad()

from tests.helpers import EXAMPLE_REPO, isolate_home, make_repo  # noqa: E402
from tests.helpers.signing import make_keys  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("home")
    isolate_home(monkeypatch, home)
    for name in (
        "GITHUB_ACTIONS",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
        "GITHUB_BASE_REF",
        "GITHUB_HEAD_REF",
        "GITLAB_CI",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in list(os.environ):  # a GitLab pipeline's own, when the tests run in one
        if name.startswith(("CI_MERGE_REQUEST_", "CI_COMMIT_", "CI_PIPELINE_", "CI_DEFAULT_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(_shared_pre_commit_home(tmp_path_factory)))
    yield home


def _shared_pre_commit_home(factory: pytest.TempPathFactory) -> Path:
    # pre-commit's environments are slow to build: share them across the session.
    path = factory.getbasetemp() / "pre-commit-home"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the valid example artifacts, committed on main."""
    return make_repo(tmp_path / "repo", EXAMPLE_REPO)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SSH key pairs for the example team (one per person), made once per session."""
    return make_keys(tmp_path_factory)


@pytest.fixture
def identity(request: pytest.FixtureRequest, mode: str) -> dict[str, Any]:
    """`Team` options for the identity mode a test is parametrized with: signature mode
    lists each member's key (the session's `keys`), author mode needs none."""
    if mode == "signature":
        return {"identity": "signature", "keys": request.getfixturevalue("keys")}
    return {"identity": mode}


@pytest.fixture
def chdir(monkeypatch: pytest.MonkeyPatch) -> object:
    def change(path: Path) -> None:
        monkeypatch.chdir(path)

    return change


def pytest_report_header() -> str:
    return f"mltriad tests; git: {os.popen('git --version').read().strip()}"
