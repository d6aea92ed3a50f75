"""Write the files generated from the default artifact globs.

    python hooks/generate_manifest.py           rewrite them
    python hooks/generate_manifest.py --check   exit 1, with a diff, if one differs

The files are `.pre-commit-hooks.yaml` (the hooks mltriad offers to pre-commit, whose
`files:` pattern selects the governed files) and the default pattern in
`hooks/pre-commit` (the plain git hook). Their text comes from
`mltriad.commands.hooks.generated_files`, read from this checkout; tests/test_hooks_manifest.py
fails when the committed files and the generated text differ. This script is a
development tool: it is not part of the wheel.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's mltriad, whatever else is installed

from mltriad.commands.hooks import generated_files  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare; write nothing")
    args = parser.parse_args(argv)
    stale = 0
    for rel, text in generated_files(ROOT).items():
        path = ROOT / rel
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        stale += 1
        if args.check:
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"{rel} (committed)",
                    f"{rel} (generated)",
                )
            )
        else:
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            print(f"wrote {rel}")
    if args.check and stale:
        print(f"{stale} generated file(s) out of date: run python hooks/generate_manifest.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
