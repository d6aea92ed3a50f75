"""The dependency bounds that CI tests: pyproject.toml's lower bounds are .ci/oldest.txt's pins."""

from __future__ import annotations

import re
import sys

from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_LOWER = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)>=(?P<version>[0-9][0-9.]*)(?:,<[0-9.]+)?$")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lower_bounds() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = [*project["dependencies"], *project["optional-dependencies"]["site"]]
    bounds = {}
    for requirement in runtime:
        match = _LOWER.match(requirement.replace(" ", ""))
        assert match, f"{requirement}: state a lower bound (name>=version)"
        bounds[_normal(match["name"])] = match["version"]
    return bounds


def _oldest_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / ".ci" / "oldest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:  # the pins; the rest caps test tools that need newer releases
            name, version = line.split("==")
            pins[_normal(name)] = version
    return pins


def _same_version(a: str, b: str) -> bool:
    def parts(v: str) -> list[int]:
        numbers = [int(p) for p in v.split(".")]
        while numbers and numbers[-1] == 0:
            numbers.pop()
        return numbers

    return parts(a) == parts(b)


def test_every_runtime_dependency_is_tested_at_its_lower_bound() -> None:
    bounds, pins = _lower_bounds(), _oldest_pins()
    assert sorted(bounds) == sorted(pins)
    drifted = {n: (bounds[n], pins[n]) for n in bounds if not _same_version(bounds[n], pins[n])}
    assert drifted == {}, "pyproject.toml's lower bound (left) differs from .ci/oldest.txt"


def test_ci_runs_the_suite_against_the_oldest_pins() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-c .ci/oldest.txt" in script
