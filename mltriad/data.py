"""Where the files shipped beside the code are: schemas, the template repository, git hooks.

In the wheel they are package data under `mltriad/_data/`; in a source checkout they sit
at the repository's root, where users and editors find them.
"""

from __future__ import annotations

from pathlib import Path


def data_dir(name: str) -> Path:
    """The shipped folder `name` (`schemas`, `template-repo` or `hooks`)."""
    # The wheel is always installed unpacked (pip, pre-commit's environments), so the data
    # is a folder beside this file; importlib.resources would cost the hook 5 ms to import.
    here = Path(__file__).resolve().parent
    packaged = here / "_data" / name
    return packaged if packaged.is_dir() else here.parent / name
