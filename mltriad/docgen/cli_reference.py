"""The command-line reference, read from the Click commands themselves.

Walking the command tree at build time means a command, option or help text added to
`mltriad.cli` appears in the documentation without anyone editing a page.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass

import click

from mltriad.docgen.markdown import code, fence, heading, slug, table, text

# Commands in the order a new user meets them; commands not listed follow alphabetically.
READING_ORDER = (
    "init",
    "new",
    "check",
    "signoff",
    "status",
    "gate",
    "history",
    "adopt",
    "schema",
    "rules",
    "digest",
)

INTRO = """\
Every command below is generated from mltriad's own command-line definitions when this
site is built, so it always matches the installed version. Run `mltriad COMMAND --help`
to see the same text in a terminal. Every command accepts `-h` or `--help`.

## Exit codes

| Code | Meaning |
| --- | --- |
| 0 | Clean: no blocking findings, or the merge gate passed. |
| 1 | Findings with severity error, or the merge gate is blocked. |
| 2 | mltriad cannot decide: a usage, configuration or environment error (no repository, unreadable `triad.yaml`, shallow history, unknown ref). The message says how to fix it. |
| 3 | An internal error: a bug in mltriad. The message names a log file; please attach it to a bug report. |

Warnings and notes never change the exit code.
"""


@dataclass(frozen=True)
class CommandDoc:
    """One command (or group) with the Click context that knows its full name."""

    ctx: click.Context
    command: click.Command

    @property
    def path(self) -> str:
        return self.ctx.command_path

    @property
    def anchor(self) -> str:
        words = self.path.split()[1:]
        return slug("-".join(words)) if words else "mltriad"


def walk(root: click.Command, name: str = "mltriad") -> Iterator[CommandDoc]:
    """The root command, then every visible subcommand, depth first, in reading order."""
    yield from _walk(root, name, None)


def _walk(command: click.Command, name: str, parent: click.Context | None) -> Iterator[CommandDoc]:
    doc = CommandDoc(click.Context(command, info_name=name, parent=parent), command)
    yield doc
    for child in children(doc):
        yield from _walk(child.command, child.ctx.info_name or "", doc.ctx)


def children(doc: CommandDoc) -> list[CommandDoc]:
    """The visible subcommands of a group, in reading order; none for a plain command."""
    if not isinstance(doc.command, click.Group):
        return []
    found = []
    for name in _ordered(doc.command.list_commands(doc.ctx)):
        sub = doc.command.get_command(doc.ctx, name)
        if sub is not None and not sub.hidden:
            found.append(CommandDoc(click.Context(sub, info_name=name, parent=doc.ctx), sub))
    return found


def _ordered(names: list[str]) -> list[str]:
    known = [n for n in READING_ORDER if n in names]
    return known + sorted(n for n in names if n not in READING_ORDER)


def page(root: click.Command) -> str:
    """The whole reference page for `root` and its subcommands."""
    docs = list(walk(root))
    parts = ["# Command reference", "", INTRO, heading(2, "Commands"), "", _summary(docs[1:])]
    for doc in docs:
        parts += ["", _section(doc)]
    return "\n".join(parts) + "\n"


def _summary(docs: list[CommandDoc]) -> str:
    rows = [
        [f"[{code(d.path)}](#{d.anchor})", text(d.command.get_short_help_str(limit=120))]
        for d in docs
    ]
    return table(["Command", "What it does"], rows)


def _section(doc: CommandDoc) -> str:
    parts = [
        heading(2, doc.path, doc.anchor),
        "",
        fence(usage(doc), "text"),
        "",
        help_markdown(doc.command.help or ""),
    ]
    arguments = [p for p in doc.command.get_params(doc.ctx) if isinstance(p, click.Argument)]
    options = [
        p
        for p in doc.command.get_params(doc.ctx)
        if isinstance(p, click.Option) and not _is_help(doc, p)
    ]
    if arguments:
        parts += ["", "**Arguments**", "", _arguments_table(arguments)]
    if options:
        parts += ["", "**Options**", "", _options_table(doc.ctx, options)]
    subcommands = children(doc) if doc.ctx.parent is not None else []
    if subcommands:
        parts += ["", "**Commands**", "", _summary(subcommands)]
    return "\n".join(parts)


def usage(doc: CommandDoc) -> str:
    """The usage line as `--help` prints it: `mltriad check [OPTIONS] [PATHS]...`."""
    return " ".join([doc.path, *doc.command.collect_usage_pieces(doc.ctx)])


def _is_help(doc: CommandDoc, param: click.Parameter) -> bool:
    help_option = doc.command.get_help_option(doc.ctx)
    return help_option is not None and param.name == help_option.name


def help_markdown(help_text: str) -> str:
    """Click help text as Markdown: paragraphs re-flowed, `\\b` blocks kept as written.

    A `\\b` block that starts with a label such as `Examples:` becomes the label and a
    shell block, each `command   description` line written as `command  # description`.
    """
    cleaned = inspect.cleandoc(help_text.split("\f", 1)[0])
    blocks = []
    for paragraph in cleaned.split("\n\n"):
        if paragraph.startswith("\b"):
            blocks.append(_verbatim(paragraph[1:].strip("\n")))
        elif paragraph.strip():
            blocks.append(text(paragraph))
    return "\n\n".join(blocks)


def _verbatim(block: str) -> str:
    lines = block.splitlines()
    label = ""
    if lines and lines[0].rstrip().endswith(":") and not lines[0].startswith(" "):
        label, lines = lines[0].strip(), lines[1:]
    body = inspect.cleandoc("\n".join(lines))
    examples = "\n".join(_example_line(line) for line in body.splitlines())
    return (f"{text(label)}\n\n" if label else "") + fence(examples, "bash")


def _example_line(line: str) -> str:
    command, *description = re.split(r"\s{2,}", line.strip(), maxsplit=1)
    if not description:
        return command
    comment = description[0] if description[0].startswith("#") else f"# {description[0]}"
    return f"{command}  {comment}"


def _arguments_table(arguments: list[click.Argument]) -> str:
    rows = []
    for arg in arguments:
        many = arg.nargs == -1 or arg.nargs > 1
        rows.append(
            [
                code(arg.human_readable_name),
                "yes" if arg.required else "no",
                "several" if many else "one",
                _values(arg),
            ]
        )
    return table(["Argument", "Required", "How many", "Values"], rows)


def _options_table(ctx: click.Context, options: list[click.Option]) -> str:
    rows = []
    for opt in options:
        names = ", ".join(code(o) for o in [*opt.opts, *opt.secondary_opts])
        described = text(opt.help or "")
        if opt.required:
            described += " Required."
        default = _default(ctx, opt)
        if default:
            described += f" Default: {default}."
        if opt.multiple:
            described += " May be given more than once."
        rows.append([names, _option_value(opt), described.strip()])
    return table(["Option", "Value", "Description"], rows)


def _option_value(opt: click.Option) -> str:
    if opt.is_flag:
        return ""
    if isinstance(opt.type, click.Choice):
        return " \\| ".join(code(c) for c in opt.type.choices)
    return code(opt.metavar or opt.type.name.upper())


def _values(param: click.Parameter) -> str:
    if isinstance(param.type, click.Choice):
        return ", ".join(code(c) for c in param.type.choices)
    return ""


def _default(ctx: click.Context, opt: click.Option) -> str:
    value = opt.get_default(ctx, call=False)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
        return ""
    return code(value)
