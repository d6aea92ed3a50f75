"""mltriad as a user installs it: the wheel built from this checkout, and a folder of the
wheels it depends on, so that an environment can install it with no package index."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT


def clean_env() -> dict[str, str]:
    """This environment without the variables that would tie a new Python to this one."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def pip(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(),
        check=False,
    )


def build_wheel(work: Path) -> Path:
    """The wheel of this checkout, built into `work/dist`; skips the test when it cannot
    be built here (no package index for the build backend)."""
    built = pip(["wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(ROOT)], work)
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel here (no package index?): {built.stderr[-500:]}")
    [wheel] = (work / "dist").glob("mltriad-*.whl")
    return wheel


def wheelhouse(wheel: Path, folder: Path) -> Path:
    """`folder` holding `wheel` and the wheels of its dependencies (for `pip install
    --no-index --find-links folder`); skips the test when they cannot be fetched."""
    done = pip(["wheel", "--quiet", "-w", str(folder), str(wheel)], folder.parent)
    if done.returncode != 0:
        pytest.skip(f"cannot fetch the wheel's dependencies here: {done.stderr[-500:]}")
    return folder
