"""Evaluation sets: who defined their cases, and whether their data files match the manifest.

The manifest (eval-sets/ID.yaml) records, per slice, the role that chose the cases, where
they come from, how many there are, and the sha256 and size of each data file. Signing the
manifest therefore pins the data: this module checks that the files in the repository still
are the files the manifest describes. Files are hashed in fixed-size chunks, so a 5 GB file
costs 1 MiB of memory; a Git LFS pointer is compared by its oid and size, without
downloading the object; a file kept elsewhere (DVC, a bucket) is reported as not verified.

The data API (`EvalSet`, `case_shares`, `ownership`, `check_data_files`) is what the rules
and the site build on.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mltriad.artifacts import Artifact, Repository
from mltriad.findings import ParseError
from mltriad.policy import Policy
from mltriad.snapshot import FILE_TOO_LARGE, Snapshot, normalize

CHUNK_SIZE = 1024 * 1024
LFS_POINTER_MAX_BYTES = 1024  # git-lfs never treats a file of 1024 bytes or more as a pointer
LFS_SPEC_URLS = ("https://git-lfs.github.com/spec/v1", "https://hawser.github.com/spec/v1")
_LFS_OID = re.compile(r"^sha256:([0-9a-f]{64})$")

Where = tuple[str | int, ...]


class Readable(Protocol):
    """A binary stream that can fill a buffer (an open file, a pipe, io.BytesIO)."""

    def readinto(self, buffer: Any, /) -> int | None: ...


@dataclass(frozen=True)
class DataFile:
    """A data file as the manifest records it; `where` locates it in the manifest."""

    path: str
    sha256: str
    size: int | None
    where: Where


@dataclass(frozen=True)
class Columns:
    """How a slice's data files are read: the id and label columns and, for a binary task,
    the positive label (`columns` in the manifest)."""

    id: str
    label: str
    positive: str | None
    where: Where


@dataclass(frozen=True)
class Slice:
    """One part of an evaluation set, chosen by one role."""

    name: str
    defined_by: str
    source: str
    cases: int
    description: str
    files: tuple[DataFile, ...]
    index: int
    columns: Columns | None = None


@dataclass(frozen=True)
class EvalSet:
    """An evaluation-set manifest as plain data, read leniently (the schema rules judge form)."""

    id: str
    path: str
    digest: str
    owner: str | None
    label_spec: str | None
    title: str
    description: str
    slices: tuple[Slice, ...]

    @classmethod
    def from_artifact(cls, artifact: Artifact) -> EvalSet:
        data = artifact.data
        slices = data.get("slices")
        return cls(
            id=artifact.id,
            path=artifact.path,
            digest=artifact.digest,
            owner=_text(data.get("owner")),
            label_spec=_text(data.get("label_spec")),
            title=_text(data.get("title")) or artifact.id,
            description=_text(data.get("description")) or "",
            slices=tuple(
                _slice(i, entry)
                for i, entry in enumerate(slices if isinstance(slices, list) else [])
                if isinstance(entry, dict)
            ),
        )

    @property
    def total_cases(self) -> int:
        return sum(s.cases for s in self.slices)

    @property
    def slice_names(self) -> list[str]:
        return [s.name for s in self.slices if s.name]

    def slice(self, name: str) -> Slice | None:
        return next((s for s in self.slices if s.name == name), None)

    @property
    def production_slices(self) -> list[Slice]:
        """Slices sampled from production that hold at least one case."""
        return [s for s in self.slices if s.source == "production" and s.cases > 0]


def load_eval_set(repo: Repository, ref: str) -> EvalSet | None:
    """The evaluation set with id `ref`, or None when it has no manifest or does not parse."""
    path = repo.find("eval-set", ref)
    if path is None:
        return None
    artifact = repo.load(path, "eval-set")
    return EvalSet.from_artifact(artifact) if artifact.doc is not None else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return 0


def _slice(index: int, entry: dict[str, Any]) -> Slice:
    files = entry.get("files")
    return Slice(
        name=_text(entry.get("name")) or "",
        defined_by=_text(entry.get("defined_by")) or "",
        source=_text(entry.get("source")) or "",
        cases=_count(entry.get("cases")),
        description=_text(entry.get("description")) or "",
        files=tuple(
            DataFile(
                path=f["path"],
                sha256=f["sha256"].lower(),
                size=_count(f["size"]) if "size" in f else None,
                where=("slices", index, "files", j),
            )
            for j, f in enumerate(files if isinstance(files, list) else [])
            if isinstance(f, dict)
            and isinstance(f.get("path"), str)
            and isinstance(f.get("sha256"), str)
        ),
        index=index,
        columns=_columns(index, entry.get("columns")),
    )


def _columns(index: int, value: Any) -> Columns | None:
    if not isinstance(value, dict):
        return None
    positive = value.get("positive")
    return Columns(
        id=_text(value.get("id")) or "id",
        label=_text(value.get("label")) or "label",
        positive=str(positive) if isinstance(positive, (str, int)) else None,
        where=("slices", index, "columns"),
    )


# --- Who defined the cases ---------------------------------------------------------------


@dataclass(frozen=True)
class RoleShare:
    """How many of a set's cases one role defined; `counted` if the role is a share role."""

    role: str
    cases: int
    share: float
    counted: bool
    slices: tuple[str, ...]


@dataclass(frozen=True)
class Ownership:
    """The measured ownership of an evaluation set against the policy's rules."""

    total_cases: int
    counted_cases: int
    share_roles: tuple[str, ...]
    min_share: float
    require_production_sample: bool
    has_production_sample: bool
    shares: tuple[RoleShare, ...]

    @property
    def share(self) -> float:
        """The share of cases the share roles defined (0 when the set has no cases)."""
        return self.counted_cases / self.total_cases if self.total_cases else 0.0

    @property
    def meets_share(self) -> bool:
        if self.min_share <= 0:
            return True
        # Compare counts, not rounded fractions: 1 of 2 cases is exactly one half.
        return self.counted_cases >= self.min_share * self.total_cases - 1e-9 and bool(
            self.total_cases
        )

    @property
    def meets_production_sample(self) -> bool:
        return self.has_production_sample or not self.require_production_sample

    @property
    def ok(self) -> bool:
        return self.meets_share and self.meets_production_sample


def case_shares(eval_set: EvalSet, policy: Policy) -> list[RoleShare]:
    """Each role's share of the set's cases: every role of the policy (in its order, zero
    shares included), then any other role a slice names."""
    order = list(policy.roles)
    order += [s.defined_by for s in eval_set.slices if s.defined_by and s.defined_by not in order]
    total = eval_set.total_cases
    result = []
    for role in dict.fromkeys(order):
        mine = [s for s in eval_set.slices if s.defined_by == role]
        cases = sum(s.cases for s in mine)
        result.append(
            RoleShare(
                role=role,
                cases=cases,
                share=cases / total if total else 0.0,
                counted=role in policy.eval_sets.share_roles,
                slices=tuple(s.name for s in mine),
            )
        )
    return result


def ownership(eval_set: EvalSet, policy: Policy) -> Ownership:
    """The set's case shares measured against `eval-sets` in triad.yaml."""
    rules = policy.eval_sets
    shares = case_shares(eval_set, policy)
    return Ownership(
        total_cases=eval_set.total_cases,
        counted_cases=sum(s.cases for s in shares if s.counted),
        share_roles=rules.share_roles,
        min_share=rules.min_share,
        require_production_sample=rules.require_production_sample,
        has_production_sample=bool(eval_set.production_slices),
        shares=tuple(shares),
    )


# --- Data files ----------------------------------------------------------------------------


class FileStatus(str, enum.Enum):
    MATCH = "match"  # sha256 and size agree with the manifest
    CHANGED = "changed"  # the content (or the LFS pointer's object) differs from the manifest
    ABSENT = "absent"  # not in the snapshot: kept in DVC, a bucket, or not yet fetched
    OUTSIDE = "outside"  # the path, or the symlink it is, leads outside the repository
    NOT_VERIFIED = "not-verified"  # too large to read from a commit; `check` verifies it


@dataclass(frozen=True)
class LfsPointer:
    """A Git LFS pointer file: the object's sha256 and size, not the object itself."""

    oid: str
    size: int


@dataclass(frozen=True)
class FileCheck:
    """A data file compared with the manifest; sha256 and size are what was found."""

    file: DataFile
    status: FileStatus
    sha256: str | None = None
    size: int | None = None
    lfs: bool = False
    detail: str = ""


def read_lfs_pointer(raw: bytes) -> LfsPointer | None:
    """The pointer described by `raw`, or None if these bytes are not a Git LFS pointer.

    The format (git-lfs docs/spec.md): under 1024 bytes of UTF-8 `key value` lines, `version`
    first, then keys in order, among them `oid sha256:<hex>` and `size <bytes>`.
    """
    if len(raw) >= LFS_POINTER_MAX_BYTES or not raw.startswith(b"version "):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    fields: dict[str, str] = {}
    for line in text.split("\n"):
        if not line:
            continue
        key, sep, value = line.partition(" ")
        if not sep or not key or key in fields:
            return None
        fields[key] = value
    if fields.get("version") not in LFS_SPEC_URLS:
        return None
    oid = _LFS_OID.match(fields.get("oid", ""))
    size = fields.get("size", "")
    if oid is None or not size.isdigit():
        return None
    return LfsPointer(oid.group(1), int(size))


def sha256_stream(stream: Readable, chunk_size: int = CHUNK_SIZE) -> tuple[str, int]:
    """sha256 (hex) and length of everything `stream` yields, read chunk by chunk into one
    reused buffer, so memory stays at `chunk_size` whatever the size of the data."""
    digest = hashlib.sha256()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    total = 0
    while True:
        read = stream.readinto(view)
        if not read:
            break
        digest.update(view[:read])
        total += read
    return digest.hexdigest(), total


def sha256_file(path: Path, chunk_size: int = CHUNK_SIZE) -> tuple[str, int]:
    """sha256 (hex) and size of a file, streamed."""
    with path.open("rb", buffering=0) as handle:
        return sha256_stream(handle, chunk_size)


def check_data_files(
    eval_set: EvalSet, snapshot: Snapshot, limit: int = 5 * 1024 * 1024
) -> list[FileCheck]:
    """Every data file of the set compared with the manifest (see `check_data_file`)."""
    return [check_data_file(snapshot, f, limit) for s in eval_set.slices for f in s.files]


def check_data_file(snapshot: Snapshot, data_file: DataFile, limit: int) -> FileCheck:
    """One data file compared with the manifest.

    In the working tree the file is streamed from disk; from any other snapshot (a commit)
    it is read only if it is at most `limit` bytes (an LFS pointer always is).
    """
    clean = normalize(data_file.path)
    if clean is None:
        return FileCheck(data_file, FileStatus.OUTSIDE, detail="the path leads outside it")
    real_path = getattr(snapshot, "real_path", None)
    try:
        if callable(real_path):
            return _check_on_disk(data_file, real_path(clean))
        return _check_in_snapshot(data_file, snapshot, clean, limit)
    except ParseError as exc:
        if exc.rule_id == FILE_TOO_LARGE.id:
            detail = f"{exc.message}; `mltriad check` in a checkout verifies it"
            return FileCheck(data_file, FileStatus.NOT_VERIFIED, detail=detail)
        return FileCheck(data_file, FileStatus.OUTSIDE, detail=exc.message)
    except OSError as exc:  # unreadable (permissions, a FIFO, an I/O error): say so, go on
        detail = f"it could not be read ({exc.strerror or exc})"
        return FileCheck(data_file, FileStatus.NOT_VERIFIED, detail=detail)


def _check_on_disk(data_file: DataFile, path: Path) -> FileCheck:
    if not path.is_file():
        return FileCheck(data_file, FileStatus.ABSENT)
    size = path.stat().st_size
    if size < LFS_POINTER_MAX_BYTES:  # small enough to be a pointer: read it once, whole
        raw = path.read_bytes()
        pointer = read_lfs_pointer(raw)
        if pointer is not None:
            return _compare_pointer(data_file, pointer)
        return _compare(data_file, hashlib.sha256(raw).hexdigest(), len(raw), lfs=False)
    if data_file.size is not None and size != data_file.size:
        # A different size settles it; a 5 GB file need not be hashed to know it changed.
        return FileCheck(data_file, FileStatus.CHANGED, size=size)
    sha256, size = sha256_file(path)
    return _compare(data_file, sha256, size, lfs=False)


def _check_in_snapshot(data_file: DataFile, snapshot: Snapshot, path: str, limit: int) -> FileCheck:
    if not snapshot.exists(path):
        return FileCheck(data_file, FileStatus.ABSENT)
    raw = snapshot.read_bytes(path, limit)
    pointer = read_lfs_pointer(raw)
    if pointer is not None:
        return _compare_pointer(data_file, pointer)
    return _compare(data_file, hashlib.sha256(raw).hexdigest(), len(raw), lfs=False)


def _compare_pointer(data_file: DataFile, pointer: LfsPointer) -> FileCheck:
    return _compare(data_file, pointer.oid, pointer.size, lfs=True)


def _compare(data_file: DataFile, sha256: str, size: int, *, lfs: bool) -> FileCheck:
    same = sha256 == data_file.sha256 and (data_file.size is None or size == data_file.size)
    status = FileStatus.MATCH if same else FileStatus.CHANGED
    return FileCheck(data_file, status, sha256=sha256, size=size, lfs=lfs)


def eval_sets_of(card: Artifact) -> list[str]:
    """The ids of the evaluation sets a model card names: in `eval_sets`, then in its targets
    and results, each once."""
    data = card.data
    found: list[str] = []
    listed = data.get("eval_sets")
    found += [e for e in (listed if isinstance(listed, list) else []) if isinstance(e, str)]
    for field_name in ("targets", "results"):
        entries = data.get(field_name)
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and isinstance(entry.get("eval_set"), str):
                found.append(entry["eval_set"])
    return list(dict.fromkeys(found))
