"""The rule reference, read from the rule catalogue (`mltriad.rules.all_rules`).

Each rule gets an anchor of its id in lower case (`#mt101`): SARIF output and the
GitHub code-scanning view link there.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from mltriad.docgen.markdown import code, fence, heading, table, text
from mltriad.findings import Rule, Severity

PAGE_PATH = "reference/rules.md"

# Rule ids are grouped by their hundreds: MT1xx are schema rules, MT4xx sign-offs, ...
FAMILIES = {
    "0": (
        "Reading files",
        "The file could not be read as an artifact: its bytes, its YAML or its front matter.",
    ),
    "1": ("Schema", "A field is missing, unknown, or has a value the schema does not allow."),
    "2": (
        "References, lifecycle and sections",
        "Artifacts name each other, roles and files; these rules check that every name resolves and that the documents keep their required sections.",
    ),
    "3": (
        "Evaluation sets and targets",
        "Who defined the evaluation cases, and whether measured results meet the targets.",
    ),
    "4": (
        "Sign-offs and the merge gate",
        "Whether every required role has signed the exact version being merged.",
    ),
    "5": (
        "Existing formats and adoption",
        "Decision records and model cards written for other tools, read as they are.",
    ),
    "6": (
        "Scaffolding placeholders",
        "Placeholders that `mltriad init` and `mltriad new` write and a person must replace.",
    ),
    "7": (
        "The glossary",
        "Every metric a model card names is defined in the glossary, once, and its targets "
        "point the way the metric's direction says. A repository without a glossary gets "
        "none of these findings.",
    ),
}

_EFFECT = {
    Severity.ERROR: "error: fails `mltriad check` and blocks the merge",
    Severity.WARNING: "warning: reported, does not block",
    Severity.INFO: "note: for information, does not block",
}

INTRO = """\
Every finding mltriad reports carries one of these rule ids, for example
`model-cards/fraud-detector.md:4:9: error MT104: ...`. The ids are stable: a rule
keeps its id across versions, so you can search for it, link to it, and recognise it in
GitHub's code-scanning view.

Only findings with severity **error** fail `mltriad check` and block the merge gate.
Warnings and notes are reported but never block. `mltriad rules` prints this list in a
terminal.

This page is generated from mltriad's rule catalogue when the site is built.
"""


def anchor(rule: Rule) -> str:
    """The anchor SARIF's `helpUri` points at: the id in lower case."""
    return rule.id.lower()


def family_key(rule: Rule) -> str:
    digits = rule.id[2:]
    return digits[0] if len(digits) == 3 and digits.isdigit() else "?"


def page(rules: Sequence[Rule]) -> str:
    """The whole rule reference: an overview table, then one section per rule."""
    ordered = sorted(rules, key=lambda r: r.id)
    parts = ["# Rules", "", INTRO, heading(2, "All rules", "all-rules"), "", _overview(ordered)]
    for key, members in groupby(ordered, key=family_key):
        name, about = FAMILIES.get(key, ("Other rules", ""))
        parts += [
            "",
            heading(
                2,
                f"MT{key}xx: {name}" if key != "?" else name,
                f"mt{key}xx" if key != "?" else "other-rules",
            ),
        ]
        if about:
            parts += ["", text(about)]
        for rule in members:
            parts += ["", _rule_section(rule)]
    return "\n".join(parts) + "\n"


def _overview(rules: Sequence[Rule]) -> str:
    rows = [
        [f"[{r.id}](#{anchor(r)})", code(r.name), r.severity.value, text(r.summary)] for r in rules
    ]
    return table(["Id", "Name", "Severity", "What it means"], rows)


def _rule_section(rule: Rule) -> str:
    parts = [
        heading(3, f"{rule.id} {rule.name}", anchor(rule)),
        "",
        f"**Severity**: {_EFFECT[rule.severity]}.",
        "",
        text(rule.summary),
    ]
    if rule.example:
        parts += ["", "Example that triggers it:", "", fence(rule.example, "yaml")]
    if rule.fix:
        parts += ["", f"**Fix**: {text(rule.fix)}"]
    return "\n".join(parts)
