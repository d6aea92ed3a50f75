"""The `mltriad` command line: parse arguments, call one function, map errors to exit codes.

Every command is a thin wrapper; the work happens in plain functions elsewhere in the
package. Modules are imported inside the commands so that `mltriad check` starts fast
(no GitPython, no MkDocs).
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mltriad import __version__
from mltriad.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, ConfigError, MltriadError

F = TypeVar("F", bound=Callable[..., Any])

FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default=None,
    help="Output format. Default: text, or github inside GitHub Actions.")


def log_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mltriad" / "mltriad.log"


def _write_log(exc: BaseException) -> Path:
    text = f"mltriad {__version__}\nargv: {sys.argv}\n\n" + "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__))
    for candidate in (log_path(), Path(tempfile.gettempdir()) / "mltriad.log"):
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            candidate.write_text(text, encoding="utf-8")
            return candidate
        except OSError:
            continue
    return Path("-")


def handle_errors(func: F) -> F:
    """A user error is one line and exit 2; a bug is one line, a log file and exit 3."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            code = func(*args, **kwargs)
        except MltriadError as exc:
            if isinstance(exc, ConfigError) and exc.findings:
                from mltriad.report.text import line

                for f in exc.findings:
                    click.echo(line(f), err=True)
            click.echo(f"mltriad: error: {exc.render()}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # `mltriad check | head`: the reader left, nothing to say
            sys.stderr.close()
            ctx.exit(EXIT_FINDINGS)
        except KeyboardInterrupt:
            click.echo("mltriad: interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug: say so in one line and keep the details
            where = _write_log(exc)
            click.echo(f"mltriad: internal error: {type(exc).__name__}: {exc} "
                       f"(this is a bug; details in {where})", err=True)
            ctx.exit(EXIT_INTERNAL)
        ctx.exit(code or EXIT_OK)

    return wrapper  # type: ignore[return-value]


def default_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def repo_root() -> Path:
    from mltriad.check import find_root

    return find_root(Path.cwd())


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="mltriad")
@click.option("-C", "directory", type=click.Path(exists=True, file_okay=False), default=None,
              help="Run as if mltriad was started in DIR (like git -C).", metavar="DIR")
def cli(directory: str | None) -> None:
    """Model cards, decision records and evaluation sets, checked and gated like code.

    The ML engineer, the product manager and the domain expert keep their shared
    artifacts in the repository; mltriad validates them, records sign-offs, and blocks
    a merge until every required role has signed the exact version being merged.

    \b
    Examples:
      mltriad init --example demo      scaffold a repository with a worked example
      mltriad -C demo check            validate every artifact
      mltriad signoff model-cards/fraud-detector.md --role product-manager
      mltriad gate --base origin/main  may this branch merge?

    Exit codes: 0 clean or passed, 1 findings or blocked, 2 usage, configuration or
    environment error, 3 internal error (a bug).
    """
    if directory:
        os.chdir(directory)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@FORMAT_OPTION
@handle_errors
def check(paths: tuple[str, ...], fmt: str | None) -> int:
    """Validate artifacts against their schemas and resolve their references.

    Without PATHS, checks everything triad.yaml locates: model cards, decision records,
    evaluation sets, sign-off records and triad.yaml itself. With PATHS (files or
    folders), checks only those, still resolving their references against the whole
    repository; this is what the pre-commit hook runs.

    Each finding is printed as `path:line:col: severity RULE: message`.

    \b
    Examples:
      mltriad check
      mltriad check model-cards/fraud-detector.md --format json
      mltriad -C path/to/repo check --format sarif > mltriad.sarif
    """
    from mltriad.check import check as run_check
    from mltriad.report import Report, render

    root = repo_root()
    result = run_check(root, list(paths) if paths else None)
    report = Report("check", result.findings, len(result.checked),
                    notes=[f"{p}: {v}" for p, v in sorted(result.verdicts.items())])
    render(default_format(fmt), report, sys.stdout)
    return EXIT_FINDINGS if report.blocking else EXIT_OK


@cli.command()
@click.argument("kind", required=False,
                type=click.Choice(["policy", "model-card", "decision", "eval-set", "signoff"]))
@handle_errors
def schema(kind: str | None) -> int:
    """Print the JSON Schema of KIND (or list the kinds and their schema ids).

    Editors can use these for completion and hover help, for example with the YAML
    language server's `# yaml-language-server: $schema=...` comment.

    \b
    Examples:
      mltriad schema model-card > model-card.schema.json
      mltriad schema
    """
    from mltriad import schemas

    if kind is None:
        for name in schemas.KINDS:
            click.echo(f"{name:<11} {schemas.schema(name)['$id']}")
        return EXIT_OK
    click.echo(schemas.schema_text(kind).rstrip("\n"))
    return EXIT_OK


@cli.command()
@FORMAT_OPTION
@handle_errors
def rules(fmt: str | None) -> int:
    """List every rule id with its name, severity and what it checks.

    \b
    Example:
      mltriad rules
    """
    from mltriad.findings import all_rules

    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": r.id, "name": r.name, "severity": r.severity.value,
                                "summary": r.summary, "fix": r.fix} for r in all_rules()],
                              indent=2))
        return EXIT_OK
    for r in all_rules():
        click.echo(f"{r.id}  {r.name:<24} {r.severity.value:<8} {r.summary}")
    return EXIT_OK


@cli.command()
@click.argument("path", type=click.Path())
@handle_errors
def digest(path: str) -> int:
    """Print the digest of an artifact (what sign-offs and results pin).

    The digest is sha256 over the file's content with line endings normalised. Record an
    evaluation set's digest in a model card's results as `eval_set_digest`.

    \b
    Example:
      mltriad digest eval-sets/fraud-holdout.yaml
    """
    from mltriad.artifacts import digest_bytes
    from mltriad.snapshot import WorkTree

    root = repo_root()
    try:
        rel = (Path.cwd() / path).resolve().relative_to(root).as_posix()
    except ValueError:
        raise MltriadError(f"'{path}' is outside the repository at {root}") from None
    tree = WorkTree(root)
    if not tree.exists(rel):
        raise MltriadError(f"'{path}' does not exist", hint="Check the path and try again.")
    click.echo(digest_bytes(tree.read_bytes(rel)))
    return EXIT_OK


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `mltriad` console script."""
    cli.main(args=argv, prog_name="mltriad")

