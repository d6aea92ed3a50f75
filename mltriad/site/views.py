"""Plain rows that the page renderers draw: what a reader sees, nothing about how it was found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from mltriad.artifacts import Artifact, Repository
from mltriad.commands.history import CardHistory, Histories
from mltriad.evalsets import Ownership
from mltriad.findings import Finding
from mltriad.glossary import Glossary
from mltriad.matrix import Row
from mltriad.policy import Policy
from mltriad.targets import TargetRow


@dataclass(frozen=True)
class Verdict:
    """A model's standing against its targets: a state (meets, fail, stale, missing, none,
    invalid), a short label for the badge, and the sentence `check` prints for it."""

    state: str
    label: str
    text: str = ""


@dataclass(frozen=True)
class Commit:
    """The commit a site was built from; `dirty` when a governed file differs from it."""

    sha: str
    dirty: bool = False

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass
class Site:
    """Everything the pages show, gathered once per build."""

    repo: Repository
    policy: Policy
    findings: list[Finding]
    models: list[Artifact]
    decisions: list[Artifact]
    eval_sets: list[Artifact]
    targets: dict[str, list[TargetRow]] = field(default_factory=dict)
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    ownership: dict[str, Ownership] = field(default_factory=dict)
    signoffs: list[Row] = field(default_factory=list)
    commit: Commit | None = None
    glossary_files: list[Artifact] = field(default_factory=list)
    glossary: Glossary = field(default_factory=lambda: Glossary((), ()))
    kinds: dict[str, list[Artifact]] = field(default_factory=dict)  # the team's own, by kind
    # The history pass, joined when a page first needs it (`collect` runs it in a thread).
    history_source: Callable[[], Histories] = field(default=Histories, repr=False)

    @cached_property
    def history(self) -> Histories:
        return self.history_source()

    @property
    def histories(self) -> dict[str, CardHistory]:
        return self.history.cards

    @property
    def history_note(self) -> str | None:
        """Why there is no history (not git, shallow, ...), or None."""
        return self.history.note

    def __post_init__(self) -> None:
        self._findings: dict[str, list[Finding]] = {}
        for item in self.findings:
            self._findings.setdefault(item.path, []).append(item)
        self._signoffs = {row.artifact: row for row in self.signoffs}
        team = [a for documents in self.kinds.values() for a in documents]
        everything = (*self.models, *self.decisions, *self.eval_sets, *self.glossary_files, *team)
        self._artifacts = {a.path: a for a in everything}

    def artifact(self, path: str) -> Artifact | None:
        return self._artifacts.get(path)

    def findings_for(self, path: str) -> list[Finding]:
        return self._findings.get(path, [])

    def signoff_row(self, path: str) -> Row | None:
        return self._signoffs.get(path)
