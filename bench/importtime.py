"""Reading `python -X importtime` output: which modules a command imported, and why.

Used by `run.py` (the hook figure's import report) and by tests/test_hook_imports.py.
"""

from __future__ import annotations


def imported_modules(stderr: str) -> list[tuple[str, int]]:
    """(module, nesting depth) for each line of `-X importtime` output, in its order."""
    found: list[tuple[str, int]] = []
    for line in stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header, or a line of the command's own
        column = fields[2].rstrip()
        found.append((column.strip(), len(column) - len(column.lstrip(" "))))
    return found


def import_chain(imported: list[tuple[str, int]], at: int) -> list[str]:
    """The module at `at` and the modules whose import pulled it in, innermost first.

    `-X importtime` prints a module when its import ends, so the module that imported it
    is the next line below it with a smaller indentation, and so on up to the top.
    """
    name, depth = imported[at]
    chain = [name]
    for other, other_depth in imported[at + 1 :]:
        if other_depth < depth:
            chain.append(other)
            depth = other_depth
    return chain
