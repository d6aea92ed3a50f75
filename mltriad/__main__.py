"""The `mltriad` command: `python -m mltriad`, and the console script.

The hooks run `mltriad check PATH...` (or `mltriad check -- PATH...`) on every commit.
That plain form (no option; after `--`, every argument is a path) goes straight to
`console.check`; every other command line goes through Click, which parses it, explains
it in `--help` and reports usage errors. Both run the same function and map errors the
same way.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    paths = _plain_check(args)
    if paths is not None:
        from mltriad import console

        sys.exit(console.guarded(lambda: console.check(paths, None)))
    from mltriad.cli import main as click_main

    click_main(args)


def _plain_check(args: list[str]) -> list[str] | None:
    """The paths of `check PATH...` or `check -- PATH...`; None for any other command line."""
    if args[:1] != ["check"]:
        return None
    if args[1:2] == ["--"]:
        return args[2:]
    return None if any(a.startswith("-") for a in args[1:]) else args[1:]


if __name__ == "__main__":
    main()
