"""The `mltriad` command: `python -m mltriad`, and the console script.

The pre-commit hook runs `mltriad check PATH...` on every commit. That plain form (no
option, no path that looks like one) goes straight to `console.check`; every other
command line goes through Click, which parses it, explains it in `--help` and reports
usage errors. Both run the same function and map errors the same way.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["check"] and not any(a.startswith("-") for a in args[1:]):
        from mltriad import console

        sys.exit(console.guarded(lambda: console.check(args[1:], None)))
    from mltriad.cli import main as click_main

    click_main(args)


if __name__ == "__main__":
    main()
