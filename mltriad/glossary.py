"""The glossary: the terms and metrics the triad defines, from every glossary file.

A glossary file (`glossary.yaml`, or a `glossary/NAME.md` whose front matter has the same
keys) lists `metrics` (each with a direction, a unit and a formula or reference) and
`terms` (product and domain words). `glossary_of(repo)` reads every file that
`paths.glossary` governs into one `Glossary`, which the rules and the site share:
`lookup` finds a term by its name or an alias (names compare as metric names do, without
case and with '-', '_' and spaces alike) and `suggest` offers the nearest name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from mltriad.artifacts import Artifact, Repository
from mltriad.schemas import did_you_mean
from mltriad.values import PLACEHOLDER, metric_key

KIND = "glossary"
HIGHER = "higher"
LOWER = "lower"

# The direction of the built-in metrics that a metric may name as `computed_as`.
BUILT_IN_DIRECTIONS = {
    "accuracy": HIGHER,
    "precision": HIGHER,
    "recall": HIGHER,
    "f1": HIGHER,
    "specificity": HIGHER,
    "false_positive_rate": LOWER,
    "false_negative_rate": LOWER,
    "macro_f1": HIGHER,
    "micro_f1": HIGHER,
    "weighted_f1": HIGHER,
    "roc_auc": HIGHER,
    "pr_auc": HIGHER,
}

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Term:
    """One entry of a glossary file: a metric (under `metrics`) or a term (under `terms`)."""

    name: str
    path: str
    where: Where  # ("metrics", 0) or ("terms", 3), in the file's front matter
    line: int
    is_metric: bool
    alias_lines: tuple[int, ...] = ()
    definition: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    direction: str | None = None
    unit: str | None = None
    formula: str | None = None
    reference: str | None = None
    computed_as: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def anchor(self) -> str:
        """The id of the term on the glossary page: 'term-false-positive-rate'."""
        return "term-" + (re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "x")

    @property
    def at(self) -> str:
        """'glossary.yaml:12', for messages."""
        return f"{self.path}:{self.line}"

    def where_named(self, name: str) -> str:
        """'glossary.yaml:13': the line of the term's name or alias that is `name`."""
        lines = (self.line, *self.alias_lines)
        for spelled, line in zip(self.names, lines, strict=False):
            if metric_key(spelled) == metric_key(name):
                return f"{self.path}:{line}"
        return self.at

    @property
    def better(self) -> str:
        """'higher is better', or '' without a direction."""
        return f"{self.direction} is better" if self.direction else ""

    @property
    def summary(self) -> str:
        """The definition in one line, with the direction and unit of a metric: what a
        reader sees when hovering over the metric's name."""
        facts = [f for f in (self.better, self.unit) if f]
        return self.definition.strip() + (f" ({'; '.join(facts)})" if facts else "")


@dataclass
class Glossary:
    """Every term of every glossary file, in path order and then file order."""

    paths: tuple[str, ...]
    terms: tuple[Term, ...]
    readable: bool = True  # False when a glossary file could not be parsed

    def __post_init__(self) -> None:
        self._index: dict[str, Term] = {}
        for term in self.terms:
            for name in term.names:
                self._index.setdefault(metric_key(name), term)

    @property
    def exists(self) -> bool:
        return bool(self.paths)

    @property
    def metrics(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.is_metric)

    def lookup(self, name: str) -> Term | None:
        """The first term whose name or an alias is `name` (compared as metric names are)."""
        return self._index.get(metric_key(name))

    def formula(self, name: str) -> str:
        """The built-in metric that computes `name`: the `computed_as` of its glossary
        entry where it names one ("fraud catch rate" computed as recall), else the name
        itself as metric names compare (`Recall` is recall)."""
        term = self.lookup(name)
        if term is not None and term.computed_as:
            return term.computed_as
        return metric_key(name)

    def suggest(self, name: str) -> str | None:
        """The metric name (or alias) nearest to `name`, if one is near enough."""
        spelled = {metric_key(n): n for t in self.metrics for n in t.names}
        near = did_you_mean(metric_key(name), list(spelled))
        return spelled[near] if near is not None else None

    def defined_names(self) -> str:
        """The metrics' names, for a message: 'recall, precision, false_positive_rate'."""
        return ", ".join(t.name for t in self.metrics) or "none"


def terms_of(artifact: Artifact) -> list[Term]:
    """The terms of one glossary file, skipping entries too broken to have a name."""
    found: list[Term] = []
    data = artifact.data
    for section in ("metrics", "terms"):
        entries = data.get(section)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            name = _text(entry.get("term")) if isinstance(entry, dict) else None
            if name is None or PLACEHOLDER in name:
                continue  # not a definition yet (MT601 reports a placeholder)
            assert isinstance(entry, dict)
            listed = entry.get("aliases")
            aliases = [
                (a.strip(), artifact.locate([section, i, "aliases", j])[0])
                for j, a in enumerate(listed if isinstance(listed, list) else [])
                if _text(a)
            ]
            found.append(
                Term(
                    name=name,
                    path=artifact.path,
                    where=(section, i),
                    line=artifact.locate([section, i, "term"])[0],
                    is_metric=section == "metrics",
                    definition=_text(entry.get("definition")) or "",
                    example=_text(entry.get("example")) or "",
                    aliases=tuple(a for a, _ in aliases),
                    alias_lines=tuple(line for _, line in aliases),
                    direction=_choice(entry.get("direction"), (HIGHER, LOWER)),
                    unit=_text(entry.get("unit")),
                    formula=_text(entry.get("formula")),
                    reference=_text(entry.get("reference")),
                    computed_as=_choice(entry.get("computed_as"), tuple(BUILT_IN_DIRECTIONS)),
                )
            )
    return found


_CACHE: WeakKeyDictionary[Repository, Glossary] = WeakKeyDictionary()


def glossary_of(repo: Repository) -> Glossary:
    """The repository's glossary, read once per Repository."""
    found = _CACHE.get(repo)
    if found is None:
        paths = tuple(repo.paths(KIND))
        loaded = [repo.load(p, KIND) for p in paths]
        terms = tuple(t for a in loaded for t in terms_of(a))
        found = Glossary(paths, terms, readable=all(a.doc is not None for a in loaded))
        _CACHE[repo] = found
    return found


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _choice(value: Any, allowed: tuple[str, ...]) -> str | None:
    return value if isinstance(value, str) and value in allowed else None
