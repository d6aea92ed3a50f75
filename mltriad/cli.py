"""The `mltriad` command line: parse arguments, call one function, map errors to exit codes.

Every command is a thin wrapper; the work happens in plain functions elsewhere in the
package. Modules are imported inside the commands so that `mltriad check` starts fast
(no GitPython, no MkDocs).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mltriad import __version__, console
from mltriad.console import default_format, emit, guarded, repo_root
from mltriad.errors import EXIT_FINDINGS, EXIT_OK, MltriadError
from mltriad.report import FORMATS

F = TypeVar("F", bound=Callable[..., Any])

# The CI services `init --ci` sets up (mltriad.commands.init.CI_SERVICES has one of each:
# named here so that the command line does not import init's modules to list them).
CI_SERVICES = ("github", "gitlab")


def format_option(command: str, *, default: str | None = "text") -> Callable[[F], F]:
    """--format with the choices `mltriad.report.FORMATS` lists for `command`."""
    help_text = (
        "Output format. Default: text, or github inside GitHub Actions."
        if default is None
        else f"Output format. Default: {default}."
    )
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS[command]), default=default, help=help_text
    )


def card_edit_options(func: F) -> F:
    """--date and --dry-run, for the commands that write a card's results."""
    func = click.option(
        "--dry-run", is_flag=True, help="Print the change as a unified diff; write nothing."
    )(func)
    return click.option(
        "--date", metavar="YYYY-MM-DD", help="The measurement date (default: today, UTC)."
    )(func)


def output_option(func: F) -> F:
    """--output FILE: the report in a file of its own rather than on stdout."""
    return click.option(
        "--output",
        "-o",
        metavar="FILE",
        type=click.Path(dir_okay=False),
        default=None,
        help="Write the report to FILE instead of standard output; it is written whole, "
        "and not at all when mltriad cannot decide (exit 2).",
    )(func)


def handle_errors(func: F) -> F:
    """Map the command's errors to exit codes (see `console.guarded`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        code = guarded(lambda: func(*args, **kwargs), _CLICK_EXCEPTIONS)
        click.get_current_context().exit(code)

    return wrapper  # type: ignore[return-value]


_CLICK_EXCEPTIONS = (click.exceptions.Exit, click.ClickException, click.Abort)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="mltriad")
@click.option(
    "-C",
    "directory",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Run as if mltriad was started in DIR (like git -C).",
    metavar="DIR",
)
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


@cli.command(short_help="Validate artifacts and their references; findings by file and line.")
@click.argument("paths", nargs=-1, type=click.Path())
@format_option("check", default=None)
@output_option
@handle_errors
def check(paths: tuple[str, ...], fmt: str | None, output: str | None) -> int:
    """Validate artifacts against their schemas and resolve their references.

    Without PATHS, checks everything triad.yaml locates: model cards, decision records,
    evaluation sets, sign-off records and triad.yaml itself. With PATHS (files or
    folders), checks only those, still resolving their references against the whole
    repository; this is what the pre-commit hook runs. Files outside triad.yaml's paths
    that are decision records or model cards in another tool's format (MADR, Nygard,
    Hugging Face, Model Card Toolkit) are checked too, and where there is no triad.yaml
    at all PATHS are checked under the default policy.

    Each finding is printed as `path:line:col: severity RULE: message`. The gitlab format
    is GitLab's Code Quality report (JSON); its text lines go to stderr, the job log.

    \b
    Examples:
      mltriad check
      mltriad check model-cards/fraud-detector.md --format json
      mltriad -C path/to/repo check --format sarif > mltriad.sarif
      mltriad check --format gitlab --output gl-code-quality-check.json
    """
    return console.check(paths, fmt, output)


@cli.command(short_help="Print the JSON Schema of an artifact kind, or list the kinds.")
@click.argument("kind", required=False, metavar="[KIND]")
@handle_errors
def schema(kind: str | None) -> int:
    """Print the JSON Schema of KIND (or list the kinds and their schema ids).

    KIND is policy (also triad), model-card, decision, eval-set, glossary or signoff; the
    folder names of `paths:` (model-cards, decisions, eval-sets, signoffs) work too, and so
    does a kind of the team's own declared under kinds: in triad.yaml (its schema file is
    printed as it is). Editors use these for completion and hover help: `mltriad init`
    writes them to .mltriad/schemas/ and points the YAML files at them
    (`# yaml-language-server: $schema=...`).

    \b
    Examples:
      mltriad schema model-card > model-card.schema.json
      mltriad schema triad
      mltriad schema
    """
    from mltriad import schemas

    if kind is None:
        for name in schemas.KINDS:
            click.echo(f"{name:<11} {schemas.schema(name)['$id']}")
        for name, path in console.team_schemas().items():
            click.echo(f"{name:<11} {path} (in this repository)")
        return EXIT_OK
    named = schemas.kind_named(kind.lower())
    if named in schemas.KINDS:
        click.echo(schemas.schema_text(named).rstrip("\n"))
        return EXIT_OK
    click.echo(console.team_schema_text(kind).rstrip("\n"))
    return EXIT_OK


@cli.command()
@format_option("rules")
@handle_errors
def rules(fmt: str) -> int:
    """List every rule id with its name, severity and what it checks.

    \b
    Example:
      mltriad rules
    """
    from mltriad.report.rules import render_rules
    from mltriad.rules import all_rules

    render_rules(fmt, all_rules(), sys.stdout)
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


@cli.command()
@click.argument("directory", metavar="[DIR]", required=False, default=".", type=click.Path())
@click.option(
    "--example",
    is_flag=True,
    help="Add a worked fraud-detection example: a model card, two decision records, "
    "an evaluation set, a label specification and a roster of three people.",
)
@click.option(
    "--kinds",
    is_flag=True,
    help="Add two kinds of document of the team's own, a problem framing and an "
    "experiment plan: their schemas and templates in kinds/, and their kinds: block in "
    "triad.yaml (added to a triad.yaml that has none). --example includes them.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite files that exist. README.md and CODEOWNERS are only ever added to.",
)
@click.option(
    "--ci",
    type=click.Choice(CI_SERVICES),
    default="github",
    show_default=True,
    help="The CI service whose pipeline runs the gate: github writes "
    ".github/workflows/mltriad.yml; gitlab writes .gitlab-ci.yml (never overwritten) and "
    "the job in .gitlab/ci/mltriad.gitlab-ci.yml.",
)
@click.option(
    "--hooks",
    type=click.Choice(["remote", "local"]),
    default="remote",
    show_default=True,
    help="How .pre-commit-config.yaml gets mltriad: `remote` from mltriad's repository at "
    "this version (pre-commit downloads it at first use), or `local` (`repo: local`, "
    "`language: system`), which runs the mltriad installed on each machine and needs no "
    "network.",
)
@handle_errors
def init(directory: str, example: bool, kinds: bool, force: bool, ci: str, hooks: str) -> int:
    """Scaffold a repository whose artifacts mltriad checks and gates.

    Writes triad.yaml (the roles, to fill in), the artifact folders, the pre-commit hooks,
    the pipeline with the required job `mltriad-gate` (a GitHub workflow, or with --ci
    gitlab a GitLab CI job), CODEOWNERS entries, an MkDocs site and a README section on
    how the triad works. DIR (default: the current folder) is created if needed, and `git
    init` runs there unless it is already inside a git repository.

    Never overwrites a file without --force: files that exist are listed as skipped, and
    running init again changes nothing. An existing .gitlab-ci.yml is never overwritten,
    even with --force: init says what to add to it.

    \b
    Examples:
      mltriad init                     add mltriad to the current repository
      mltriad init --example demo      a new repository with a worked example
      mltriad init --ci gitlab         with GitLab CI rather than GitHub Actions
      mltriad init --force             restore every file init writes
      mltriad init --hooks local       pre-commit hooks that need no network
      mltriad init --kinds             add two kinds of document of your own
    """
    from mltriad.commands.init import init as run_init
    from mltriad.report.init import describe_init

    result = run_init(
        Path(directory), example=example, force=force, ci=ci, hooks=hooks, kinds=kinds
    )
    for line in describe_init(result, directory):
        click.echo(line)
    return EXIT_OK


@cli.command(short_help="Create an artifact from its template.")
@click.argument("kind", metavar="KIND")
@click.argument("name", metavar="NAME")
@click.option(
    "--base",
    metavar="REF",
    help="Also count the decision records (and names) on this branch, so that two "
    "branches do not take the same number.",
)
@click.option(
    "--supersedes",
    metavar="N",
    help="The number of the decision record the new one replaces; its status becomes "
    "'superseded by' the new record.",
)
@handle_errors
def new(kind: str, name: str, base: str | None, supersedes: str | None) -> int:
    """Create an artifact from its template: KIND is model-card, decision, eval-set,
    glossary or a kind of the team's own (declared under kinds: in triad.yaml).

    NAME is lowercase words joined by dashes; it becomes the file name and the id. A
    decision record gets the next free number (decisions/NNNN-NAME.md); an evaluation set
    gets a label specification in docs/labels/NAME.md; a glossary file is Markdown in the
    glossary folder (glossary/NAME.md), for terms kept beside glossary.yaml or instead of it.

    Every required field is written, either as a placeholder starting with FILL-IN or as
    a suggested value marked with a `# FILL-IN` comment. `mltriad check` reports each one
    left (rule MT601) until it is replaced.

    \b
    Examples:
      mltriad new model-card churn-predictor
      mltriad new eval-set churn-holdout
      mltriad new glossary fraud-metrics
      mltriad new decision use-gradient-boosting --base origin/main
      mltriad new decision retrain-monthly --supersedes 3
      mltriad new experiment-plan checkout-redesign
    """
    from mltriad.commands.new import new as run_new
    from mltriad.report.new import describe_new

    result = run_new(repo_root(), kind, name, base=base, supersedes=supersedes)
    for line in describe_new(result):
        click.echo(line)
    return EXIT_OK


@cli.command(short_help="Sign off an artifact for a role: write its sign-off record.")
@click.argument("path", type=click.Path())
@click.option(
    "--role", required=True, metavar="ROLE", help="The role you sign for: a role id in triad.yaml."
)
@click.option(
    "--note",
    default="",
    metavar="TEXT",
    help="What you checked, or the conditions of your sign-off.",
)
@click.option(
    "--key",
    type=click.Path(dir_okay=False),
    metavar="SSH_PRIVATE_KEY",
    help="Sign the record with this SSH key (ssh-keygen -Y sign). Needed when "
    "triad.yaml sets signoff.identity: signature; git's user.signingkey is used "
    "when it is a key file.",
)
@click.option("--name", metavar="NAME", help="Your name (default: as triad.yaml lists you).")
@click.option(
    "--email",
    metavar="EMAIL",
    help="Your email as triad.yaml lists it (default: git's user.email).",
)
@click.option(
    "--base",
    metavar="REF",
    help="For a deleted artifact: sign the removal of its version at the merge base "
    "with REF (default: its last committed version).",
)
@handle_errors
def signoff(
    path: str,
    role: str,
    note: str,
    key: str | None,
    name: str | None,
    email: str | None,
    base: str | None,
) -> int:
    """Sign off PATH for ROLE: write the record the merge gate looks for.

    The record (signoffs/PATH/ROLE.yaml) binds you to the artifact's current content by
    its digest: any later edit makes it stale. For a file the change deletes, it signs
    the removal. mltriad writes the record but never commits: commit it yourself (in
    author mode the commit's author must be you). It refuses a role triad.yaml does not
    define, a signer who is not a member of the role, and a file that is not a model
    card, decision record, evaluation set or triad.yaml.

    \b
    Examples:
      mltriad signoff model-cards/fraud-detector.md --role product-manager
      mltriad signoff decisions/0002-use-gbm.md --role ml-engineer --note "Checked recall"
      mltriad signoff eval-sets/fraud-holdout.yaml --role domain-expert --key ~/.ssh/id_ed25519
      mltriad signoff model-cards/old-model.md --role ml-engineer --base origin/main
    """
    from mltriad.commands.signoff import SignRequest, relative_path, sign_off
    from mltriad.report.signoff import describe

    root = repo_root()
    request = SignRequest(
        relative_path(root, path),
        role,
        note,
        Path(key).expanduser() if key else None,
        name,
        email,
        base,
    )
    for line in describe(sign_off(root, request)):
        click.echo(line)
    return EXIT_OK


@cli.command(short_help="The merge gate: may this change merge? (exit 0 yes, 1 blocked)")
@click.option(
    "--base",
    metavar="REF",
    help="The branch HEAD would merge into. Default: inside GitHub Actions, from "
    "the event; inside GitLab CI, from the pipeline's variables; elsewhere origin/HEAD, "
    "origin/main, main or master.",
)
@click.option("--head", metavar="REF", help="The commit that would merge. Default: HEAD.")
@format_option("gate", default=None)
@output_option
@handle_errors
def gate(base: str | None, head: str | None, fmt: str | None, output: str | None) -> int:
    """Decide whether HEAD may merge into BASE: every required sign-off must count.

    The change is what merging HEAD into BASE would land, compared with BASE: GitHub's
    merge commit for a pull request or GitLab's for a merged results pipeline, else the
    merge git computes (renames followed), which is HEAD itself when HEAD is up to date; a
    merge that conflicts cannot be decided (exit 2). Renames count as a deletion plus an
    addition. triad.yaml (roles, members, keys, requirements) is read from BASE, never
    from the change. Each added, modified or deleted model card, decision record,
    evaluation set, and any triad.yaml, needs a record from every required role, for the
    exact version that lands, by a member of the role whose identity holds (commit
    author, or SSH signature). Each blocking finding names the artifact, the role, who may
    sign and the command to run.

    Inside GitHub Actions, without --base, base and head come from the event: a
    pull_request's merge commit (HEAD^1 and HEAD^2), a merge_group's base_sha, a push's
    `before`. The github format adds annotations and a step summary with the artifacts x
    roles table.

    Inside GitLab CI, without --base, they come from the pipeline's variables: in a
    merged results pipeline the merge commit GitLab built (CI_COMMIT_SHA, whose parents
    are CI_MERGE_REQUEST_TARGET_BRANCH_SHA and CI_MERGE_REQUEST_SOURCE_BRANCH_SHA); in a
    merge request pipeline CI_MERGE_REQUEST_DIFF_BASE_SHA and CI_COMMIT_SHA; in a branch
    pipeline the default branch (CI_DEFAULT_BRANCH). The gitlab format is the Code Quality
    report, with the text and the table as Markdown on stderr (the job log); the junit
    format lists one test case per artifact x role, failed while that sign-off is missing,
    stale or does not count.

    Exit 0: may merge. 1: blocked. 2: cannot decide (not a repository, unknown ref,
    shallow clone, no merge base, unusable triad.yaml at BASE); it never passes then.

    \b
    Examples:
      mltriad gate --base origin/main
      mltriad gate --base main --head feature/new-model --format json
      mltriad gate                     # in a GitHub workflow (checkout with fetch-depth: 0)
      mltriad gate --format junit --output mltriad-gate.junit.xml   # in GitLab CI
    """
    from mltriad.commands.gate import gate as run_gate
    from mltriad.report.findings import render
    from mltriad.report.gate import gate_report

    chosen = default_format(fmt)
    # The gate finds the policy that governs the current folder itself, at the base too.
    report = gate_report(run_gate(Path.cwd(), base, head), table_in_notes=chosen == "text")
    emit(lambda out: render(chosen, report, out), output)
    return EXIT_FINDINGS if report.blocking else EXIT_OK


@cli.command(short_help="Show who signed what, and who the change waits on.")
@click.option(
    "--base",
    metavar="REF",
    help="Compare with REF: the artifacts changed since the merge base with it, judged by "
    "REF's triad.yaml. Default: the gate's default base (origin/HEAD, main or master).",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every artifact, changed or not, and who must still sign it (the bootstrap of a "
    "repository whose artifacts were never signed).",
)
@format_option("status")
@handle_errors
def status(base: str | None, every: bool, fmt: str) -> int:
    """Show the sign-off matrix: artifacts x roles, and who the change waits on.

    By default, what the gate will judge: the artifacts changed since the merge base
    with the default base (or --base), each required role signed (by whom, when, with
    the signer's note), stale (signed an older version: the commit and the `git diff`
    that shows what changed), missing, or not counting (and why), with who may sign.
    With --all, every artifact. Outside a git repository, or before the first commit,
    every artifact. Records need not be committed yet: status shows what they claim
    (and checks SSH signatures in signature mode); the gate also checks who committed
    them. Always exits 0 when it can read the repository.

    \b
    Examples:
      mltriad status
      mltriad status --base origin/main
      mltriad status --all
      mltriad status --format markdown > signoffs.md
    """
    if every and base:
        raise click.UsageError("--all shows every artifact; it takes no --base.")
    from mltriad.commands.status import working_tree_status
    from mltriad.report.matrix import render_status

    render_status(fmt, working_tree_status(repo_root(), base, every=every), sys.stdout)
    return EXIT_OK


@cli.command(short_help="A model card's versions from git: results, bars met, who signed.")
@click.argument("card", type=click.Path())
@format_option("history")
@handle_errors
def history(card: str, fmt: str) -> int:
    """Show the history of the model card CARD across its versions (its `version` field).

    Read from git in one pass over the commits of the first-parent line of HEAD: for each
    version (the last commit that wrote it counts), its date and commit, each target's
    result and whether it met the launch bar (as `check` judges it), results measured on
    an older version of their evaluation set than the one committed with the card
    (stale), and who signed that version (sign-off records whose digest equals the card's
    at that version). Renames of the card within the model-card folders are followed
    (a card moved in from elsewhere starts its history there); an edit not committed yet
    is shown as the last state of its version. Needs the full history: a shallow clone is
    an error (run `git fetch --unshallow`).

    \b
    Examples:
      mltriad history model-cards/fraud-detector.md
      mltriad history model-cards/fraud-detector.md --format json
    """
    from mltriad.commands.history import card_history
    from mltriad.report.history import render

    render(fmt, card_history(repo_root(), card), sys.stdout)
    return EXIT_OK


@cli.command(short_help="Convert existing decision records and model cards to this format.")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--output",
    "-o",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Write the converted files to DIR instead of in place (model cards as ID.md).",
)
@click.option("--dry-run", is_flag=True, help="Show a unified diff of every change; write nothing.")
@click.option(
    "--kind",
    type=click.Choice(["decision", "model-card"]),
    default=None,
    help="What the files are, when neither their content nor triad.yaml says.",
)
@click.option(
    "--add-sections",
    is_flag=True,
    help="Append each section triad.yaml requires that a text lacks, as a FILL-IN "
    "(the text itself is kept; without this flag adopt only lists them).",
)
@format_option("adopt")
@handle_errors
def adopt(
    paths: tuple[str, ...],
    output: str | None,
    dry_run: bool,
    kind: str | None,
    add_sections: bool,
    fmt: str,
) -> int:
    """Convert existing decision records and model cards into mltriad's format.

    Reads MADR (3 and 4 front matter, 2 bullets, log4brains), Nygard / adr-tools records,
    Hugging Face model cards and Model Card Toolkit JSON (schema 0.0.1 and 0.0.2), in the
    PATHS given (files or folders). Their metadata goes into front matter with mltriad's
    keys; the text is kept byte for byte. What cannot be read from a file is written as a
    FILL-IN placeholder, which `mltriad check` reports until a person replaces it.
    Templates and index pages are skipped. Nothing is deleted, a file is never
    half-written, and running adopt twice changes nothing the second time.

    \b
    Examples:
      mltriad adopt docs/adr --dry-run
      mltriad adopt docs/adr --output decisions
      mltriad adopt models/fraud/README.md --output model-cards
      mltriad adopt model_card.json --output model-cards
    """
    from mltriad.commands.adopt import run
    from mltriad.report.adopt import render_adopt

    result = run(list(paths), output=output, dry_run=dry_run, kind=kind, add_sections=add_sections)
    render_adopt(fmt, result, sys.stdout)
    return EXIT_FINDINGS if result.failed else EXIT_OK


@cli.group(short_help="Write a card's results: computed from predictions, or imported.")
def results() -> None:
    """Write a model card's measured results, so that anyone can check them.

    `compute` recomputes every metric the card's targets name from a predictions file,
    per slice and for the whole evaluation set, with a confusion matrix per slice, and
    records the predictions file's sha256: `mltriad check` then recomputes the results
    from it and reports a stated value it does not reproduce (MT319). `import` reads the
    values another tool measured (a plain JSON or CSV, Hugging Face evaluate,
    lm-evaluation-harness, an MLflow run). Both change only the card's `results` and
    `confusion` blocks: comments, key order, quoting and the body stay as they are.

    \b
    Examples:
      mltriad results compute model-cards/fraud-detector.md --predictions eval-runs/run.csv
      mltriad results import model-cards/fraud-detector.md metrics.json --eval-set fraud-holdout
    """


def _render_change(change: Any, dry_run: bool) -> int:
    from mltriad.report.results import describe_change

    for line in describe_change(change, dry_run):
        click.echo(line)
    return EXIT_OK


@results.command(name="compute")
@click.argument("card", type=click.Path(dir_okay=False))
@click.option(
    "--predictions",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="The predictions: CSV, TSV or JSON Lines with a case id, the predicted label and "
    "optionally the positive class's score, one case per line.",
)
@click.option("--run", metavar="ID", help="The evaluation run's id or link, written as `run`.")
@click.option(
    "--eval-set",
    "eval_set",
    metavar="ID",
    help="The evaluation set predicted (default: the one the card's targets name).",
)
@click.option("--id-column", default="id", show_default=True, help="The column of the case id.")
@click.option(
    "--prediction-column",
    default="prediction",
    show_default=True,
    help="The column of the predicted label.",
)
@click.option(
    "--score-column",
    default="score",
    show_default=True,
    help="The column of the positive class's score (for roc_auc and pr_auc).",
)
@click.option(
    "--skip",
    multiple=True,
    metavar="METRIC",
    help="A target metric not to compute (one measured otherwise); repeatable.",
)
@card_edit_options
@handle_errors
def results_compute(
    card: str,
    predictions: str,
    run: str | None,
    eval_set: str | None,
    id_column: str,
    prediction_column: str,
    score_column: str,
    skip: tuple[str, ...],
    date: str | None,
    dry_run: bool,
) -> int:
    """Recompute CARD's results from a predictions file.

    The predictions are joined, by id, to the labelled cases of the evaluation set's
    slices (each slice's data files, read as its `columns: {id, label, positive}` say).
    Every metric the card's targets name is computed exactly, on every slice with data
    and on the whole set: accuracy, precision, recall, f1, specificity,
    false_positive_rate, false_negative_rate, macro_f1, micro_f1, weighted_f1, and, with
    scores, roc_auc and pr_auc (average precision, as scikit-learn computes it). Each
    result records the set's digest, the predictions file's path and sha256, the date and
    the run; a confusion matrix per slice goes under `confusion`.

    An id that is not in the set, a case without a prediction, a label the set never
    uses, a metric the data cannot define and an LFS pointer whose object is not fetched
    are errors that name the file and line; nothing is written then.

    \b
    Examples:
      mltriad results compute model-cards/fraud-detector.md \\
          --predictions eval-runs/2026-11-02-gbm-v2.1.0/predictions.csv --run 2026-11-02-gbm
      mltriad results compute model-cards/fraud-detector.md --predictions p.jsonl --dry-run
    """
    from mltriad.commands.results import compute
    from mltriad.scoring import PredictionColumns

    change = compute(
        repo_root(),
        card,
        predictions,
        run=run,
        eval_set_id=eval_set,
        columns=PredictionColumns(id_column, prediction_column, score_column),
        date=date,
        skip=skip,
        dry_run=dry_run,
    )
    return _render_change(change, dry_run)


@results.command(name="import")
@click.argument("card", type=click.Path(dir_okay=False))
@click.argument("source", type=click.Path(exists=True))
@click.option(
    "--eval-set", "eval_set", required=True, metavar="ID", help="The evaluation set measured on."
)
@click.option(
    "--slice", "slice_name", metavar="NAME", help="The slice measured (default: the whole set)."
)
@click.option("--run", metavar="ID", help="The evaluation run's id or link, written as `run`.")
@click.option(
    "--map",
    "mapping",
    multiple=True,
    metavar="FROM=TO",
    help="Read the metric FROM as the card's target metric TO (FROM= skips it); repeatable. "
    "Adds to results.metric_map in triad.yaml.",
)
@card_edit_options
@handle_errors
def results_import(
    card: str,
    source: str,
    eval_set: str,
    slice_name: str | None,
    run: str | None,
    mapping: tuple[str, ...],
    date: str | None,
    dry_run: bool,
) -> int:
    """Import the metric values another tool measured into CARD's results.

    SOURCE is a plain JSON list of {metric, slice, value} (or a CSV with the columns
    metric, slice, value), a Hugging Face `evaluate` JSON, an lm-evaluation-harness
    results JSON (metrics named TASK/METRIC), or an MLflow run folder of a local file store
    (mlruns/EXPERIMENT/RUN: the latest value of each metric). A metric whose name is not
    one of the card's target metrics must be mapped, with --map or results.metric_map in
    triad.yaml: nothing is guessed, and an unmapped metric is an error.

    \b
    Examples:
      mltriad results import model-cards/fraud-detector.md eval.json --eval-set fraud-holdout
      mltriad results import model-cards/fraud-detector.md mlruns/0/3f2a... \\
          --eval-set fraud-holdout --slice new-merchants --map val_recall=recall
    """
    from mltriad.commands.results import import_results, parse_map

    change = import_results(
        repo_root(),
        card,
        source,
        eval_set_id=eval_set,
        slice_name=slice_name,
        run=run,
        mapping=parse_map(mapping),
        date=date,
        dry_run=dry_run,
    )
    return _render_change(change, dry_run)


HOOK_NAMES = click.Choice(["pre-commit", "pre-push"])


@cli.group(short_help="Install mltriad's own git hooks (without the pre-commit framework).")
def hooks() -> None:
    """Install mltriad's own git hooks, for teams that do not use the pre-commit framework.

    The pre-commit hook runs `mltriad check` on the staged model cards, decision records,
    evaluation sets, sign-off records and triad.yaml, as the commit will have them. The
    pre-push hook runs `mltriad gate` on each ref being pushed, compared with what the
    remote has (a new branch: with the remote's default branch), and refuses the push
    while a required sign-off is missing. Both find mltriad on PATH, or run the command
    in the MLTRIAD environment variable.

    Teams that use the pre-commit framework list the `mltriad-check` and `mltriad-gate`
    hooks in .pre-commit-config.yaml instead; use one of the two, not both.

    \b
    Examples:
      mltriad hooks install                     both hooks, in the repository's hooks folder
      mltriad hooks install pre-commit          only the commit hook
      mltriad hooks install --hooks-path .githooks
      mltriad hooks list
      mltriad hooks uninstall
    """


@hooks.command(name="install")
@click.argument("names", nargs=-1, type=HOOK_NAMES, metavar="[HOOK]...")
@click.option(
    "--force",
    is_flag=True,
    help="Replace a hook that is not mltriad's (it is kept as HOOK.mltriad-backup), and "
    "change a core.hooksPath that is already set.",
)
@click.option(
    "--hooks-path",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Install into DIR and set the repository's core.hooksPath to it (relative to the "
    "repository's top when DIR is inside it), e.g. a .githooks folder kept in git.",
)
@handle_errors
def hooks_install(names: tuple[str, ...], force: bool, hooks_path: str | None) -> int:
    """Install mltriad's git hooks: HOOK is pre-commit or pre-push (default: both).

    They go where git runs hooks from: `.git/hooks` (shared by linked worktrees), or the
    folder that core.hooksPath names. A hook file that is not mltriad's is never replaced
    without --force, which keeps it as HOOK.mltriad-backup; pre-commit's own hook is
    recognised, since mltriad would then run twice. The hook of another mltriad version
    is updated, and running install again changes nothing.

    \b
    Examples:
      mltriad hooks install
      mltriad hooks install pre-commit
      mltriad hooks install --hooks-path .githooks
      mltriad hooks install --force             replace the hooks that are there
      MLTRIAD=.venv/bin/mltriad git commit      run the hooks with another mltriad
    """
    from mltriad.commands.hooks import HOOKS, install
    from mltriad.report.hooks import describe_install

    result = install(
        Path.cwd(),
        names or HOOKS,
        force=force,
        hooks_path=Path(hooks_path).absolute() if hooks_path else None,
    )
    for line in describe_install(result):
        click.echo(line)
    return EXIT_OK


@hooks.command(name="uninstall")
@click.argument("names", nargs=-1, type=HOOK_NAMES, metavar="[HOOK]...")
@handle_errors
def hooks_uninstall(names: tuple[str, ...]) -> int:
    """Remove mltriad's git hooks (default: both), restoring what install replaced.

    Only hooks that mltriad installed are removed; when install had replaced a hook with
    --force, its backup is put back. core.hooksPath is left as it is.

    \b
    Examples:
      mltriad hooks uninstall
      mltriad hooks uninstall pre-push
    """
    from mltriad.commands.hooks import HOOKS, uninstall
    from mltriad.report.hooks import describe_uninstall

    for line in describe_uninstall(uninstall(Path.cwd(), names or HOOKS)):
        click.echo(line)
    return EXIT_OK


@hooks.command(name="list")
@handle_errors
def hooks_list() -> int:
    """Show where git runs hooks from, and which of mltriad's hooks are there.

    \b
    Example:
      mltriad hooks list
    """
    from mltriad.commands.hooks import inspect
    from mltriad.report.hooks import describe_state

    for line in describe_state(*inspect(Path.cwd())):
        click.echo(line)
    return EXIT_OK


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `mltriad` console script."""
    cli.main(args=argv, prog_name="mltriad")
