"""What every command shares on the console, without Click: errors to exit codes, the log
of a crash, the default format, and `check` itself.

`cli.py` wraps each Click command in `guarded`; `__main__.py` calls `check` through it
directly when the command line is the plain `mltriad check [PATH...]` that the pre-commit
hook runs, so the hook does not pay for importing Click.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from mltriad import __version__
from mltriad.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, ConfigError, MltriadError

INTERRUPTED = 130


def guarded(
    run: Callable[[], int | None], passthrough: tuple[type[BaseException], ...] = ()
) -> int:
    """Run a command; its exit code. A user error is one line and exit 2 (or the error's
    own code); a bug is one line, a log file and exit 3. `passthrough` exceptions (Click's
    own) propagate."""
    try:
        return run() or EXIT_OK
    except MltriadError as exc:
        if isinstance(exc, ConfigError) and exc.findings:
            # Each problem once, at its line; then what to do, without repeating the first.
            from mltriad.report.text import line

            for f in exc.findings:
                _say(line(f))
            _say(f"mltriad: error: {exc.after_findings()}")
            return exc.exit_code
        _say(f"mltriad: error: {exc.render()}")
        return exc.exit_code
    except passthrough:
        raise
    except BrokenPipeError:  # `mltriad check | head`: the reader left, nothing to say
        sys.stderr.close()
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        _say("mltriad: interrupted")
        return INTERRUPTED
    except Exception as exc:  # a bug: say so in one line and keep the details
        where = write_log(exc)
        _say(
            f"mltriad: internal error: {type(exc).__name__}: {exc} "
            f"(this is a bug; details in {where})"
        )
        return EXIT_INTERNAL


def _say(text: str) -> None:
    from mltriad.report.text import visible

    sys.stderr.write(visible(text) + "\n")
    sys.stderr.flush()


def log_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mltriad" / "mltriad.log"


def write_log(exc: BaseException) -> Path:
    """Keep a crash's traceback where the one-line message says it is."""
    # Only a crash needs these: the hook's path does not pay for importing them.
    import tempfile
    import traceback

    text = f"mltriad {__version__}\nargv: {sys.argv}\n\n" + "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__)
    )
    for candidate in (log_path(), Path(tempfile.gettempdir()) / "mltriad.log"):
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            candidate.write_text(text, encoding="utf-8")
            return candidate
        except OSError:
            continue
    return Path("-")


def default_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def repo_root() -> Path:
    from mltriad.policy import find_root

    return find_root(Path.cwd())


def team_schemas() -> dict[str, str]:
    """The schema file of each kind of the team's own in the repository here (none when
    there is no usable triad.yaml)."""
    from mltriad.errors import MltriadError
    from mltriad.policy import read_policy
    from mltriad.snapshot import WorkTree

    try:
        policy, _ = read_policy(WorkTree(repo_root()))
    except MltriadError:
        return {}
    return {kind.id: kind.schema_path for kind in policy.kinds.values()}


def team_schema_text(kind: str) -> str:
    """The text of the schema file of a kind of the team's own; MltriadError for a kind
    that is neither built in nor declared, with the nearest one."""
    from mltriad.errors import MltriadError
    from mltriad.policy import POLICY_PATH, read_policy
    from mltriad.schemas import KINDS, did_you_mean
    from mltriad.snapshot import WorkTree

    tree = WorkTree(repo_root())
    declared = read_policy(tree)[0].kinds if tree.exists(POLICY_PATH) else {}
    if kind not in declared:
        known = [*KINDS, *declared]
        hint = did_you_mean(kind, known)
        raise MltriadError(
            f"there is no kind '{kind}'" + (f" (did you mean '{hint}'?)" if hint else ""),
            hint=f"Kinds: {', '.join(known)}.",
        )
    return tree.read_bytes(declared[kind].schema_path).decode("utf-8", errors="replace")


def check(paths: Sequence[str], fmt: str | None, output: str | None = None) -> int:
    """`mltriad check`: validate, render the findings to stdout (or `output`); the exit code."""
    from mltriad.commands.check import check as run_check
    from mltriad.report.check import check_report
    from mltriad.report.findings import render

    root = repo_root()
    report = check_report(run_check(root, list(paths) if paths else None), root)
    chosen = default_format(fmt)
    emit(lambda out: render(chosen, report, out), output)
    return EXIT_FINDINGS if report.blocking else EXIT_OK


def emit(write: Callable[[TextIO], None], output: str | None) -> None:
    """What `write` writes, to stdout, or to the file `output`: whole, or not at all (a
    run that fails before its report leaves no half-written or empty report behind)."""
    if output is None:
        write(sys.stdout)
        sys.stdout.flush()
        return
    import io

    from mltriad.files import write_file

    buffer = io.StringIO()
    write(buffer)
    write_file(Path(output), buffer.getvalue().encode("utf-8"))
