"""`mltriad history`: a model card's versions across git history, and the site's charts.

Everything comes from one `git log` over the folders of the model cards, the evaluation
sets and the sign-off records (`GitRepo.path_log`), read once for every card; the blobs it
names are read through the repository's one `cat-file --batch`. No git process is started
per commit.

- A *version* is the card's `version` field. Of the commits that wrote the card with one
  version, the last counts: its results, judged against the card's targets as `check`
  judges them (mltriad.targets), with the evaluation sets as they were at that commit, so a
  result measured on an older version of its set shows as stale.
- The history is that of the first-parent line of HEAD (what landed on the branch, as
  `git log --first-parent`); renames of the card inside the model-card folders are followed.
- A version was *signed* by each sign-off record, committed at any time or present in the
  working tree, whose digest equals the card's digest at that version. Records are taken as
  written: who committed them is the gate's business, not re-checked here.
- A card edited in the working tree and not committed yet is the last state of its version
  (or a version of its own), marked as not committed: the site is built from the working
  tree, so its charts end where its pages are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mltriad.artifacts import Artifact, Repository, parse
from mltriad.commands.signoff import relative_path
from mltriad.confusion import Confusion, card_confusion
from mltriad.errors import GitError, MltriadError
from mltriad.findings import ParseError
from mltriad.gitrepo import GitRepo, LoggedCommit, PathChange
from mltriad.policy import Policy, read_policy
from mltriad.signoffs import located, read_record
from mltriad.snapshot import DEFAULT_MAX_BYTES, WorkTree, glob_regex, static_prefix
from mltriad.targets import PASS, TargetRow, evaluate_targets

SHALLOW_HINT = (
    "History needs every commit: run `git fetch --unshallow` in this clone; in GitHub "
    "Actions use `fetch-depth: 0` with actions/checkout, in GitLab CI `GIT_DEPTH: 0`."
)


@dataclass(frozen=True)
class Signer:
    """A sign-off record of one version: who, for which role, when, and the commit that
    wrote the record (None for a record in the working tree, not committed)."""

    role: str
    name: str
    email: str
    date: str
    commit: str | None


@dataclass(frozen=True)
class Version:
    """One model version: the card as its last commit (or the working tree) left it."""

    version: str
    path: str
    commit: str | None  # None: the working tree's card, not committed
    date: str | None
    digest: str
    rows: tuple[TargetRow, ...]
    confusion: tuple[Confusion, ...]
    signers: tuple[Signer, ...]
    commits: int  # commits that wrote the card with this version

    @property
    def committed(self) -> bool:
        return self.commit is not None

    @property
    def met(self) -> bool:
        """Every target met with a current result."""
        return bool(self.rows) and all(row.status == PASS for row in self.rows)

    @property
    def short(self) -> str:
        return self.commit[:7] if self.commit else "working tree"

    @property
    def day(self) -> str:
        return self.date[:10] if self.date else ""


@dataclass
class CardHistory:
    """The versions of one card, oldest first; `names` are the paths it had before."""

    card: str
    versions: list[Version] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    unreadable: int = 0  # commits whose card did not parse (left out)


@dataclass
class Histories:
    """Every card's history from one pass, or why there is none (`note`)."""

    cards: dict[str, CardHistory] = field(default_factory=dict)
    note: str | None = None


# -- the command -------------------------------------------------------------------------
def card_history(root: Path, given: str) -> CardHistory:
    """The history of the model card at `given` (a path relative to the current folder).

    GitError when the folder is not in a git repository, the clone is shallow, or the card
    was never committed."""
    path = relative_path(root, given)
    tree = WorkTree(root)
    policy, _ = read_policy(tree)
    work = Repository(tree, policy)
    if work.kind_of(path) != "model-card":
        raise MltriadError(
            f"{path} is not a model card under triad.yaml (paths.model-cards: "
            f"{policy.globs_text('model-card')})",
            path=path,
            hint="Name a model card, for example `mltriad history model-cards/NAME.md`.",
        )
    git = _open(root)
    with git:
        if git.exists("HEAD"):
            history = _Log(git, policy).histories([path], work)[path]
        else:
            history = CardHistory(path)
    if not history.versions or all(not v.committed for v in history.versions):
        if not tree.exists(path) and not history.versions:
            raise MltriadError(
                f"{path} does not exist and no commit wrote it",
                path=path,
                hint="Check the path (`git log --all -- PATH` finds a card that moved).",
            )
        raise GitError(
            f"{path} was never committed, so it has no history yet",
            path=path,
            hint=f"Commit it first: `git add {path} && git commit`.",
        )
    return history


def repository_histories(root: Path, policy: Policy, cards: Sequence[str]) -> Histories:
    """The history of each card (repository paths) from one pass, for the site; where the
    repository cannot give one (not git, shallow, no commit), `note` says why."""
    try:
        git = _open(root)
    except GitError as exc:
        return Histories(note=exc.message)
    with git:
        if not git.exists("HEAD"):
            return Histories(note="the repository has no commit yet")
        try:
            log = _Log(git, policy)
            work = Repository(WorkTree(root), policy)
            return Histories(log.histories(cards, work))
        except GitError as exc:
            return Histories(note=f"git could not read it ({exc.message})")


def _open(root: Path) -> GitRepo:
    git = GitRepo.open(root)
    if git.is_shallow():
        git.close()
        raise GitError(f"{root} is a shallow clone: its history is cut short", hint=SHALLOW_HINT)
    return git


# -- one pass over the history -----------------------------------------------------------
@dataclass(frozen=True)
class _Record:
    path: str
    blob: str
    commit: str | None


class _Memory:
    """The evaluation-set manifests of one commit, behind the `Snapshot` interface; each
    blob is read (once) only when a result asks for its set's digest."""

    def __init__(self, files: dict[str, str], reader: _Blobs, label: str) -> None:
        self.files = files
        self.reader = reader
        self.label = label

    def read_bytes(self, path: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
        blob = self.files.get(path)
        if blob is None:
            raise FileNotFoundError(f"{path} is not in {self.label}")
        return self.reader.read(blob)

    def exists(self, path: str) -> bool:
        return path in self.files

    def glob(self, pattern: str) -> list[str]:
        regex = glob_regex(pattern)
        return sorted(p for p in self.files if regex.match(p))


class _Blobs:
    """Blob contents: many at once through one `cat-file --batch` stream (`scan`), or one
    by one through the repository's persistent one."""

    def __init__(self, git: GitRepo) -> None:
        self.git = git
        self.cache: dict[str, bytes] = {}
        self.versions: dict[str, str | None] = {}  # a card's blob -> its quick version

    def read(self, blob: str) -> bytes:
        if blob not in self.cache:
            self.cache[blob] = self.git.blob(blob)
        return self.cache[blob]

    def version_of(self, blob: str) -> str | None:
        """The version line of a card's blob (None: it takes a parse to tell)."""
        if blob in self.versions:
            return self.versions[blob]
        return quick_version(self.read(blob))

    def scan(self, writes: list[tuple[str, int, str]], keep: Iterable[str]) -> None:
        """One stream for the blobs in `keep` (kept whole) and the cards' `writes` ((card,
        commit index, blob)): a card's blob is read for its version line and kept whole
        only where it may be parsed, where that line takes a parse, and at a card's last
        write before its version changes (the write a version counts by). Every version
        of every card passes through, but not into memory.

        The writes go newest first, as `git log` lists them: git inflates a file's
        versions about twice as fast in that order as card by card. So a write is kept
        when the next newer write of its card has another version, or there is none."""
        wanted = [(None, b) for b in dict.fromkeys(keep) if b not in self.cache]
        newest_first = sorted(writes, key=lambda w: -w[1])
        order: list[tuple[str | None, str]] = [*wanted, *((c, b) for c, _, b in newest_first)]
        newer: dict[str, str | None] = {}  # card -> the version of its next newer write
        for (card, blob), (_, view) in zip(
            order, self.git.each_blob([b for _, b in order]), strict=True
        ):
            if view is None:
                continue  # missing: `read` says so if it is needed
            if card is None:
                self.cache[blob] = bytes(view)
                continue
            name = quick_version(bytes(view[:_HEAD]))
            if name is None and len(view) > _HEAD:
                name = quick_version(bytes(view))
            self.versions[blob] = name
            if name is None or card not in newer or newer[card] != name:
                self.cache.setdefault(blob, bytes(view))
            newer[card] = name


class _Log:
    """The commits that changed a card, an evaluation set or a sign-off record."""

    def __init__(self, git: GitRepo, policy: Policy) -> None:
        self.policy = policy
        self.blobs = _Blobs(git)
        self.set_globs = [glob_regex(g) for g in policy.globs("eval-set")]
        globs = (*policy.globs("model-card"), *policy.globs("eval-set"))
        folders = {static_prefix(g) for g in globs}
        folders.add(policy.signoff_dir)
        self.commits: list[LoggedCommit] = git.path_log(sorted(folders))
        self.records: dict[str, list[_Record]] = {}  # artifact path -> its records' versions
        self.by_path: dict[str, list[tuple[int, PathChange]]] = {}
        for index, commit in enumerate(self.commits):
            for change in commit.changes:
                self.by_path.setdefault(change.path, []).append((index, change))
                where = located(policy.signoff_dir, change.path)
                if where is not None and change.blob is not None:
                    self.records.setdefault(where[0], []).append(
                        _Record(change.path, change.blob, commit.sha)
                    )
        self._sets: dict[int, dict[str, str]] = {}

    def histories(self, cards: Sequence[str], work: Repository) -> dict[str, CardHistory]:
        """The history of each card: the card commits of each first, then one walk for
        the evaluation sets at every version's commit, then the judging."""
        lineages = {card: self._lineage(card) for card in cards}
        records = [
            r.blob for c in cards for n in (c, *lineages[c][1]) for r in self.records.get(n, [])
        ]
        writes = [(card, i, b) for card, (found, _) in lineages.items() for i, _, b in found]
        self.blobs.scan(writes, records)
        read = {card: self._versions(card, *lineages[card]) for card in cards}
        self._eval_sets(i for _, grouped in read.values() for i, _, _ in grouped.values())
        return {card: self._finish(*read[card], work) for card in cards}

    def _versions(
        self, card: str, written: list[tuple[int, str, str]], names: list[str]
    ) -> tuple[CardHistory, dict[str, tuple[int, Artifact, int]]]:
        """The card's versions: for each, the index of its last commit, the card there
        and how many commits wrote it. Only the card that counts for each version is
        parsed whole; the others are read for their `version` line alone."""
        result = CardHistory(card, names=names)
        seen: dict[str, tuple[int, str, str, int]] = {}
        for index, path, blob in written:
            name = self.blobs.version_of(blob)
            if name is None:
                artifact = parse("model-card", path, self.blobs.read(blob))
                if artifact.doc is None:
                    result.unreadable += 1
                    continue
                name = _version_of(artifact)
            count = seen[name][3] + 1 if name in seen else 1
            seen.pop(name, None)  # a version written again moves to its last commit
            seen[name] = (index, path, blob, count)
        grouped: dict[str, tuple[int, Artifact, int]] = {}
        for name, (index, path, blob, count) in seen.items():
            artifact = parse("model-card", path, self.blobs.read(blob))
            if artifact.doc is None:
                result.unreadable += 1
                continue
            grouped[name] = (index, artifact, count)
        return result, grouped

    def _finish(
        self,
        result: CardHistory,
        grouped: dict[str, tuple[int, Artifact, int]],
        work: Repository,
    ) -> CardHistory:
        records = self._records(result.card, result.names, work)
        versions: list[Version] = []
        for name, (index, artifact, count) in grouped.items():
            commit = self.commits[index]
            snapshot = _Memory(self._sets[index], self.blobs, f"commit {commit.sha[:12]}")
            repo = Repository(snapshot, self.policy)
            versions.append(_version(name, artifact, repo, records, commit.sha, commit.date, count))
        current = _working_card(work, result.card)
        if current is not None and (not versions or versions[-1].digest != current.digest):
            name = _version_of(current)
            count = 0
            if versions and versions[-1].version == name:
                count = versions.pop().commits
            versions.append(_version(name, current, work, records, None, None, count))
        result.versions = versions
        return result

    def _lineage(self, card: str) -> tuple[list[tuple[int, str, str]], list[str]]:
        """(commit index, path, blob) of every commit that wrote the card, oldest first,
        following renames back from its path now; and the paths it had before."""
        names: list[str] = []
        tracked = card
        before = len(self.commits)
        found: list[tuple[int, str, str]] = []
        while True:
            step = None
            for index, change in reversed(self.by_path.get(tracked, [])):
                if index >= before or change.status == "D" or change.blob is None:
                    continue
                step = (index, change)
                found.append((index, tracked, change.blob))
                if change.status in ("A", "R"):
                    break
            if step is None or step[1].status != "R" or step[1].old_path is None:
                break
            before = step[0]
            tracked = step[1].old_path
            names.append(tracked)
        found.reverse()
        return found, names

    def _eval_sets(self, wanted: Iterable[int]) -> None:
        """The evaluation-set files (path -> blob) at each wanted commit, from one walk."""
        targets = sorted(set(wanted) - set(self._sets))
        if not targets:
            return
        state: dict[str, str] = {}
        pending = iter(targets)
        goal = next(pending)
        for index, commit in enumerate(self.commits):
            for change in commit.changes:
                if change.old_path is not None and change.status == "R":
                    state.pop(change.old_path, None)
                if change.status == "D" or change.blob is None:
                    state.pop(change.path, None)
                elif any(g.match(change.path) for g in self.set_globs):
                    state[change.path] = change.blob
            if index == goal:
                self._sets[index] = dict(state)
                nxt = next(pending, None)
                if nxt is None:
                    return
                goal = nxt

    def _records(self, card: str, names: list[str], work: Repository) -> list[tuple[str, Signer]]:
        """(digest, signer) of every version of every record of the card, committed or in
        the working tree."""
        found: dict[tuple[str, str, str, str], tuple[str, Signer]] = {}
        candidates = [r for name in (card, *names) for r in self.records.get(name, [])]
        for record in candidates:
            _add(found, record.path, self.blobs.read(record.blob), record.commit)
        tree = work.snapshot
        for path in tree.glob(f"{self.policy.signoff_dir}/{card}/*.yaml"):
            try:
                raw = tree.read_bytes(path)
            except (ParseError, OSError):
                continue
            _add(found, path, raw, None)
        return list(found.values())


def _add(
    found: dict[tuple[str, str, str, str], tuple[str, Signer]],
    path: str,
    raw: bytes,
    commit: str | None,
) -> None:
    record, problems = read_record(path, raw)
    if record is None or problems or record.removal:
        return
    key = (record.digest, record.role, record.signer_email.lower(), record.date)
    if key in found and found[key][1].commit is not None:
        return  # the first commit that wrote this record counts
    signer = Signer(record.role, record.signer_name, record.signer_email, record.date, commit)
    found[key] = (record.digest, signer)


def _version(
    name: str,
    card: Artifact,
    repo: Repository,
    records: list[tuple[str, Signer]],
    commit: str | None,
    date: str | None,
    commits: int,
) -> Version:
    digest = card.digest
    signers: dict[tuple[str, str], Signer] = {}
    for record_digest, signer in records:
        if record_digest == digest:
            signers.setdefault((signer.role, signer.email.lower()), signer)
    return Version(
        version=name,
        path=card.path,
        commit=commit,
        date=date,
        digest=digest,
        rows=tuple(evaluate_targets(card, repo)),
        confusion=tuple(card_confusion(card)),
        signers=tuple(sorted(signers.values(), key=lambda s: (s.date, s.role))),
        commits=commits,
    )


_VERSION_LINE = re.compile(rb"^version:[ \t]*([^\r\n#]*?)[ \t]*(?:#.*)?\r?$", re.M)
_PLAIN = re.compile(r"^(?:\d+(?:\.\d+){2,}(?:[-+][0-9A-Za-z.+-]+)?|v\d[0-9A-Za-z.+-]*)$")


_HEAD = 16384  # a card's version line is read from its first bytes, else from all of it


def quick_version(raw: bytes) -> str | None:
    """The card's `version` read from its front matter's top-level `version:` line, as
    YAML would read it, for the simple forms (`2.1.0`, `'2.1.0'`, `"2.1.0"`); None when it
    takes a full parse to tell (the caller then parses the card)."""
    if not raw.startswith(b"---"):
        return None
    end = raw.find(b"\n---", 3)
    if end < 0:
        return None
    lines = _version_lines(raw, 3, end)
    if len(lines) != 1:
        return None
    text: str = lines[0].decode("utf-8", "replace")
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" and text[0] not in text[1:-1]:
        return text[1:-1] or None
    if _PLAIN.match(text):
        return text  # 2.1.0 or v3: a string as YAML reads it (1.5 or 2 would be numbers)
    return None


def _version_lines(raw: bytes, start: int, end: int) -> list[bytes]:
    """What `_VERSION_LINE.findall(raw, start, end)` gives, found faster: the regex is
    tried only where `version:` begins a line (most of a card's lines do not hold it)."""
    found = []
    at = raw.find(b"version:", start, end)
    while at >= 0:
        if at == 0 or raw[at - 1] == 0x0A:  # where `^` matches in re.M: after a newline
            match = _VERSION_LINE.match(raw, at, end)
            if match:
                found.append(match.group(1))
        at = raw.find(b"version:", at + 8, end)
    return found


def _version_of(card: Artifact) -> str:
    value = card.data.get("version")
    return str(value) if value is not None and value != "" else "unversioned"


def _working_card(work: Repository, card: str) -> Artifact | None:
    if not work.snapshot.exists(card):
        return None
    loaded = work.load(card, "model-card")
    return loaded if loaded.doc is not None else None
