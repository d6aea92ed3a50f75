"""Where the files shipped beside the code are: schemas, the template repository, git hooks.

In the wheel they are package data under `mltriad/_data/`; in a source checkout they sit
at the repository's root, where users and editors find them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def data_dir(name: str) -> Path:
    """The shipped folder `name` (`schemas`, `template-repo` or `hooks`)."""
    packaged = resources.files("mltriad") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[1] / name
