"""Artifacts: their kinds, where they are found, how they are parsed, and their digests."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from mltriad.documents import Document, parse_markdown, parse_yaml
from mltriad.findings import Finding, ParseError, finding, rule
from mltriad.policy import POLICY_PATH, Policy, is_markdown
from mltriad.snapshot import Snapshot, glob_regex, normalize

MARKDOWN_KINDS = ("model-card", "decision")
# Kinds that are YAML whatever their file's name; any other kind (a team's own) is
# Markdown with front matter when its file's name ends in .md, YAML otherwise.
YAML_KINDS = ("eval-set", "signoff", "policy")
_DECISION_NUMBER = re.compile(r"^(\d{1,5})[-_]")
# Files that live among decision records but are not records (MADR, with its template
# variants adr-template-minimal.md, adr-template-bare.md, ...; adr-tools; log4brains).
# index.md, README.md, and templates: template.md, adr-template.md, madr-template-bare.md,
# 0000-template.md (but 0003-choose-a-template.md is a record).
_NOT_RECORDS = re.compile(
    r"^(index|readme|template(-[a-z0-9-]+)?|[a-z][a-z0-9-]*-template(-[a-z0-9-]+)?|\d+-template)"
    r"\.md$",
    re.IGNORECASE,
)


def digest_bytes(raw: bytes) -> str:
    """sha256 of content with CRLF normalised to LF (so a Windows checkout agrees)."""
    if b"\r\n" in raw:  # only CRLF: a lone CR would let two differently parsed files agree
        raw = raw.replace(b"\r\n", b"\n")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def stem(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def name_of(path: str) -> str:
    """The name an artifact's id must equal: its file stem, or for a Hugging Face-style
    `NAME/README.md`, its folder."""
    base = stem(path)
    if base.lower() == "readme" and "/" in path:
        return path.rsplit("/", 2)[-2]
    return base


@lru_cache(maxsize=1 << 16)  # rules ask for the number of every record, often repeatedly
def decision_number(path: str) -> int | None:
    match = _DECISION_NUMBER.match(path.rsplit("/", 1)[-1])
    return int(match.group(1)) if match else None


def is_not_a_record(path: str) -> bool:
    """Index, README and template files in a decisions folder."""
    return bool(_NOT_RECORDS.match(path.rsplit("/", 1)[-1]))


@dataclass
class Artifact:
    """One parsed file. `problems` holds parse findings; `doc` is None when it did not parse."""

    kind: str
    path: str
    raw: bytes
    doc: Document | None
    problems: list[Finding] = field(default_factory=list)
    id_field: str = "id"  # the field that holds its id (a team kind's `id_field`)

    @property
    def data(self) -> dict[str, Any]:
        if self.doc is None or not isinstance(self.doc.data, dict):
            return {}
        return self.doc.data

    @property
    def body(self) -> str:
        return self.doc.body if self.doc is not None else ""

    @property
    def stem(self) -> str:
        return stem(self.path)

    @property
    def id(self) -> str:
        value = self.data.get(self.id_field)
        return value if isinstance(value, str) else self.stem

    @property
    def markdown(self) -> bool:
        return is_markdown_kind(self.kind, self.path)

    @cached_property
    def digest(self) -> str:
        return digest_bytes(self.raw)

    def locate(self, where: list[str | int], *, key: bool = False) -> tuple[int, int]:
        return self.doc.locate(where, key=key) if self.doc is not None else (1, 1)

    def finding(
        self,
        rule_id: str,
        message: str,
        where: list[str | int] | None = None,
        *,
        key: bool = False,
        line: int | None = None,
    ) -> Finding:
        """A finding on this artifact at the node `where` (or at `line`)."""
        if line is not None:
            pos = (line, 1)
        else:
            pos = self.locate(where or [], key=key) if where else (1, 1)
        return finding(rule(rule_id), self.path, message, *pos)


def is_markdown_kind(kind: str, path: str) -> bool:
    """Whether an artifact of `kind` at `path` is Markdown with front matter."""
    return kind in MARKDOWN_KINDS or (kind not in YAML_KINDS and is_markdown(path))


def parse(kind: str, path: str, raw: bytes) -> Artifact:
    """Parse bytes of a known kind; problems become findings, never exceptions."""
    try:
        markdown = is_markdown_kind(kind, path)
        doc = parse_markdown(path, raw) if markdown else parse_yaml(path, raw)
    except ParseError as exc:
        return Artifact(
            kind,
            path,
            raw,
            None,
            [finding(rule(exc.rule_id), path, exc.message, exc.line, exc.col)],
        )
    problems = [finding(rule(w.rule_id), path, w.message, w.line, w.col) for w in doc.warnings]
    return Artifact(kind, path, raw, doc, problems)


class Repository:
    """The governed artifacts of one snapshot, found through the policy and parsed on demand."""

    def __init__(self, snapshot: Snapshot, policy: Policy) -> None:
        self.snapshot = snapshot
        self.policy = policy
        self._paths: dict[str, list[str]] = {}
        self._loaded: dict[str, Artifact] = {}
        self._by_stem: dict[str, dict[str, int]] = {}
        self._by_number: dict[int, list[int]] | None = None

    def paths(self, kind: str) -> list[str]:
        """Paths of every artifact of a kind (`signoff` included), sorted."""
        if kind not in self._paths:
            if kind == "signoff":
                found = self.snapshot.glob(self.policy.signoff_dir + "/**/*.yaml")
            elif kind == "policy":
                found = [POLICY_PATH] if self.snapshot.exists(POLICY_PATH) else []
                # The files that define the team's kinds count as the policy.
                defined = self.policy.definition_files
                found += sorted(p for p in defined if self.snapshot.exists(p))
            else:
                found = self._glob_all(self.policy.globs(kind))
                if kind == "decision":
                    found = [p for p in found if not is_not_a_record(p)]
            self._paths[kind] = found
        return self._paths[kind]

    def _glob_all(self, patterns: tuple[str, ...]) -> list[str]:
        """The files any of `patterns` matches, each once, sorted."""
        if len(patterns) == 1:
            return self.snapshot.glob(patterns[0])
        return sorted({p for pattern in patterns for p in self.snapshot.glob(pattern)})

    def all_paths(self) -> list[tuple[str, str]]:
        """(kind, path) of every governed file, policy first; a file that the globs of two
        kinds match is listed once, under the first (as `kind_of` says; MT221 reports it)."""
        result = [("policy", p) for p in self.paths("policy")]
        seen: set[str] = set()
        for kind in (*self.policy.artifact_kinds, "signoff"):
            result.extend((kind, p) for p in self.paths(kind) if p not in seen)
            seen.update(self.paths(kind))
        return result

    def kind_of(self, path: str) -> str | None:
        """The kind of a repository path under the policy, or None if it is not governed."""
        clean = normalize(path)
        if clean is None:
            return None
        if clean == POLICY_PATH or clean in self.policy.definition_files:
            return "policy"
        kinds = self.kinds_of(clean)
        if kinds:
            return kinds[0]
        if clean.startswith(self.policy.signoff_dir + "/") and clean.endswith(".yaml"):
            return "signoff"
        return None

    def kinds_of(self, path: str) -> list[str]:
        """Every artifact kind whose globs match `path` (a clean repository path), in the
        policy's order: the first is its kind; more than one is MT221."""
        found = []
        for kind in self.policy.artifact_kinds:
            if any(glob_regex(g).match(path) for g in self.policy.globs(kind)):
                if kind == "decision" and is_not_a_record(path):
                    return []  # a decision log's index or template: governed by no kind
                found.append(kind)
        return found

    def load(self, path: str, kind: str | None = None) -> Artifact:
        if path not in self._loaded:
            kind = kind or self.kind_of(path) or "eval-set"
            try:
                raw = self.snapshot.read_bytes(path, self.policy.max_file_bytes)
            except ParseError as exc:
                self._loaded[path] = Artifact(
                    kind,
                    path,
                    b"",
                    None,
                    [finding(rule(exc.rule_id), path, exc.message, exc.line, exc.col)],
                )
            else:
                self._loaded[path] = parse(kind, path, raw)
            team = self.policy.kinds.get(kind)
            if team is not None and team.id_field:
                self._loaded[path].id_field = team.id_field
        return self._loaded[path]

    # Look-ups by identifier: ids equal file names, so no file needs parsing to resolve one.
    def find(self, kind: str, ref: str | int) -> str | None:
        """The path of the artifact of `kind` named by `ref` (id, number or file name)."""
        if kind == "decision":
            return self.find_decision(ref)
        index = self._stem_index(kind).get(str(ref))
        return None if index is None else self.paths(kind)[index]

    def find_decision(self, ref: str | int) -> str | None:
        """The first record (in path order) whose file name is `ref` or whose number it names."""
        number = parse_decision_ref(ref)
        candidates = [self._stem_index("decision").get(str(ref))]
        if number is not None:
            candidates.append(self._number_index().get(number, [None])[0])
        found = [i for i in candidates if i is not None]
        return self.paths("decision")[min(found)] if found else None

    def numbered(self, number: int) -> list[str]:
        """The decision records whose file names carry `number`, in path order."""
        paths = self.paths("decision")
        return [paths[i] for i in self._number_index().get(number, [])]

    def _stem_index(self, kind: str) -> dict[str, int]:
        """Position of the first path of each file stem: look-ups by id cost O(1), not O(n)."""
        if kind not in self._by_stem:
            index: dict[str, int] = {}
            for i, path in enumerate(self.paths(kind)):
                index.setdefault(name_of(path), i)
            self._by_stem[kind] = index
        return self._by_stem[kind]

    def _number_index(self) -> dict[int, list[int]]:
        """Positions of the decision records of each number."""
        if self._by_number is None:
            self._by_number = {}
            for i, path in enumerate(self.paths("decision")):
                number = decision_number(path)
                if number is not None:
                    self._by_number.setdefault(number, []).append(i)
        return self._by_number


def parse_decision_ref(ref: str | int) -> int | None:
    """7, '0007', 'ADR-0007', '0007-use-gbm', '[ADR-0007](0007-use-gbm.md)' -> 7."""
    if isinstance(ref, bool):
        return None
    if isinstance(ref, int):
        return ref
    if not isinstance(ref, str):  # schema-invalid data reaches here too: never raise
        return None
    match = re.search(r"(?:^|[^0-9])0*(\d{1,5})(?:[^0-9]|$)", ref)
    return int(match.group(1)) if match else None
