"""All git access: one repository, its commits, trees and history, through GitPython.

git's own `GIT_*` variables are removed from the environment of every git process
(pre-commit and git hooks set GIT_DIR, GIT_INDEX_FILE or GIT_WORK_TREE, which would
point git at another repository or index than the one being read). The number of git
processes is kept independent of the number of artifacts: one `ls-tree` per commit
read, one persistent `cat-file --batch` for every blob and commit object, one `log`
and one `diff-tree --stdin` for the whole history of a change.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mltriad.errors import GitError
from mltriad.findings import ParseError
from mltriad.snapshot import (
    DEFAULT_MAX_BYTES,
    FILE_TOO_LARGE,
    OUTSIDE_REPOSITORY,
    glob_regex,
    normalize,
)

_EPOCH = datetime.fromtimestamp(0, timezone.utc)

if TYPE_CHECKING:
    import git

DEFAULT_BASES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")
FETCH_HINT = (
    "The gate needs the full history: in GitHub Actions use `fetch-depth: 0` with "
    "actions/checkout; in GitLab CI set `GIT_DEPTH: 0` in the job's `variables:`; in a "
    "local clone run `git fetch --unshallow`."
)

# Variables that choose how git runs, not which repository or index it reads (as in
# pre-commit's git module), plus where the user's own configuration lives.
_KEPT_GIT_VARIABLES = frozenset(
    {
        "GIT_EXEC_PATH",
        "GIT_SSH",
        "GIT_SSH_COMMAND",
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_CONFIG_COUNT",
        "GIT_HTTP_PROXY_AUTHMETHOD",
        "GIT_ALLOW_PROTOCOL",
        "GIT_ASKPASS",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_TERMINAL_PROMPT",
    }
)
_SYMLINK = "120000"
_PSEUDO_REFS = ("HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD", "CHERRY_PICK_HEAD")
_SUFFIX = re.compile(r"[~^@:]")
_FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{4,63}$")
_MAX_SYMLINK_HOPS = 8
_NULL_SHA = frozenset({"0" * 40, "0" * 64})


# Replacement objects (refs/replace) and grafts (.git/info/grafts) let a clone rewrite
# what its history says: git reads none of them for mltriad, so every clone sees the
# commits as they were made. An empty graft file is no grafts at all.
HISTORY_AS_COMMITTED = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": os.devnull}


def is_stripped(name: str) -> bool:
    """Whether a variable is removed from git's environment."""
    return (
        name.startswith("GIT_")
        and name not in _KEPT_GIT_VARIABLES
        and not name.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))
    )


_ENVIRON_LOCK = threading.Lock()
_ENVIRON_USERS = 0
_ENVIRON_SAVED: dict[str, str] = {}


@contextmanager
def _scrubbed_environ() -> Iterator[None]:
    # GitPython starts every process from a copy of os.environ and can add variables
    # but not remove them: take ours out for the duration of the call. Calls may overlap
    # (the site reads history in a thread): the first takes them out, the last puts
    # them back.
    global _ENVIRON_USERS
    with _ENVIRON_LOCK:
        if _ENVIRON_USERS == 0:
            _ENVIRON_SAVED.update(
                {k: os.environ.pop(k) for k in list(os.environ) if is_stripped(k)}
            )
        _ENVIRON_USERS += 1
    try:
        yield
    finally:
        with _ENVIRON_LOCK:
            _ENVIRON_USERS -= 1
            if _ENVIRON_USERS == 0:
                os.environ.update(_ENVIRON_SAVED)
                _ENVIRON_SAVED.clear()


def is_null(sha: str) -> bool:
    """git's all-zero object id (a branch that did not exist before a push)."""
    return sha in _NULL_SHA


@dataclass(frozen=True)
class Change:
    """One path changed between two commits; renames are a deletion plus an addition."""

    status: str  # A, D, M or T
    path: str
    old_blob: str | None
    new_blob: str | None
    old_mode: str
    new_mode: str


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str = ""
    author_email: str = ""


@dataclass(frozen=True)
class PathChange:
    """A file one commit changed against its first parent: status A, M, T, D, R (renamed
    from `old_path`) or C (copied from it); `blob` is its new content (None when deleted)."""

    status: str
    path: str
    old_path: str | None
    blob: str | None


@dataclass(frozen=True)
class LoggedCommit:
    """A commit of `path_log`: its id, its committer date (ISO 8601) and what it changed."""

    sha: str
    date: str
    changes: tuple[PathChange, ...]


@dataclass(frozen=True)
class Entry:
    """A file in a commit's tree."""

    mode: str
    blob: str
    size: int


class GitRepo:
    """A git repository, opened at (or above) a folder; close it when done."""

    def __init__(self, repo: git.Repo, prefix: str) -> None:
        self._repo = repo
        self._git = repo.git
        self._git.update_environment(**HISTORY_AS_COMMITTED)
        self.root = Path(str(repo.working_tree_dir or repo.git_dir))
        self.prefix = prefix  # the folder of triad.yaml inside the repository, "" at the top
        self._full_names: dict[str, str] = {}

    @classmethod
    def open(cls, folder: Path) -> GitRepo:
        """The repository holding `folder`; GitError when there is none."""
        gitpython = _gitpython()
        with _scrubbed_environ():
            try:
                repo = gitpython.Repo(folder, search_parent_directories=True)
            except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError):
                raise GitError(
                    f"{folder} is not inside a git repository",
                    hint="Run mltriad in a clone of the repository, or pass -C with its path.",
                ) from None
        if repo.bare or repo.working_tree_dir is None:
            raise GitError(
                f"{folder} is a bare repository; mltriad needs a working tree",
                hint="Run it in a clone with a checkout.",
            )
        top = Path(str(repo.working_tree_dir)).resolve()
        try:
            prefix = folder.resolve().relative_to(top).as_posix()
        except ValueError:
            prefix = ""
        return cls(repo, "" if prefix == "." else prefix)

    def close(self) -> None:
        self._repo.close()

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running git -------------------------------------------------------------------
    def _run(self, *args: str, stdin: bytes | None = None) -> bytes:
        gitpython = _gitpython()
        command = [gitpython.Git.GIT_PYTHON_GIT_EXECUTABLE or "git", *args]
        with _scrubbed_environ(), tempfile.TemporaryFile() as feed:
            if stdin is not None:
                feed.write(stdin)
                feed.seek(0)
            try:
                out = self._git.execute(
                    command,
                    istream=feed if stdin is not None else None,
                    stdout_as_string=False,
                    strip_newline_in_stdout=False,
                )
            except gitpython.GitCommandNotFound:
                raise _not_installed() from None
            except gitpython.GitCommandError as exc:
                raise GitError(_stderr(exc, args)) from None
        assert isinstance(out, bytes)
        return out

    def _object(self, name: str) -> tuple[str, str, bytes] | None:
        """(sha, type, data) of an object name through the persistent `cat-file --batch`."""
        try:
            with _scrubbed_environ():
                sha, kind, _size, data = self._git.get_object_data(name)
        except ValueError:
            return None
        except _gitpython().GitCommandNotFound:
            raise _not_installed() from None
        return _text(sha), _text(kind), data

    # -- refs and commits --------------------------------------------------------------
    def full_name(self, ref: str, *, what: str = "ref") -> str:
        """`ref` with its name spelled out (`origin/main~1` -> `refs/remotes/origin/main~1`);
        a commit id or an expression on HEAD as it is. GitError when the name could mean
        more than one ref: a tag called `origin/main` shadows the remote branch, and git
        would silently pick one."""
        name, rest = _split_ref(ref)
        if not name or _FULL_SHA.match(name):
            return ref  # a full object id is never read as a ref name
        if name not in self._full_names:
            self._full_names[name] = self._full_name(name, ref, rest, what)
        return self._full_names[name] + rest

    def _full_name(self, name: str, ref: str, rest: str, what: str) -> str:
        if name.startswith("refs/"):
            candidates = [name]
        else:
            candidates = [
                f"refs/{name}",
                f"refs/tags/{name}",
                f"refs/heads/{name}",
                f"refs/remotes/{name}",
                f"refs/remotes/{name}/HEAD",
            ]
        listed = _text(self._run("for-each-ref", "--format=%(refname)", *candidates)).split("\n")
        found = [c for c in candidates if c in listed]
        if name in _PSEUDO_REFS:
            found.insert(0, name)
        if _SHORT_SHA.match(name) and found and self._has_object_prefix(name):
            found.append(f"the abbreviated object id {name}")
        if len(found) > 1:
            meant = (
                found[0]
                if name in _PSEUDO_REFS
                else next(
                    (f for f in found if f.startswith(("refs/remotes/", "refs/heads/"))), found[0]
                )
            )
            raise GitError(
                f"the {what} '{ref}' is ambiguous: it could name {' or '.join(found)}",
                hint=f"Name the one you mean in full, for example `{meant}{rest}`, or delete "
                "the ref that shadows it (`git tag -d NAME`, `git branch -D NAME`).",
            )
        return found[0] if found else name

    def _has_object_prefix(self, prefix: str) -> bool:
        try:
            return bool(_text(self._run("rev-parse", f"--disambiguate={prefix.lower()}")).strip())
        except GitError:
            return False

    def resolve(self, ref: str, *, what: str = "ref") -> str:
        """The commit sha a ref names; GitError for an unknown or ambiguous ref."""
        if not ref or "\n" in ref or ref.startswith("-"):
            raise GitError(f"'{ref}' is not a valid {what}", hint="Name a branch, tag or commit.")
        ref = self.full_name(ref, what=what)
        header: tuple[str | bytes, str | bytes, int] = ("", "", 0)
        try:
            with _scrubbed_environ():
                header = self._git.get_object_header(f"{ref}^{{commit}}")
        except ValueError:
            pass  # cat-file answered "missing"
        except _gitpython().GitCommandNotFound:
            raise _not_installed() from None
        sha, kind = _text(header[0]), _text(header[1])
        if kind != "commit":
            hint = (
                FETCH_HINT
                if self.is_shallow()
                else (
                    "Check the name (`git branch -a` lists branches); fetch it first if it is "
                    "on the remote (`git fetch origin`)."
                )
            )
            raise GitError(
                f"the {what} '{ref}' does not name a commit in this repository", hint=hint
            )
        return sha

    def exists(self, ref: str) -> bool:
        try:
            self.resolve(ref)
        except GitError:
            return False
        return True

    def default_base(self) -> str | None:
        """The branch a change most likely merges into: origin/HEAD, origin/main,
        origin/master, main or master, the first that exists; None when none does.
        GitError when one of them is ambiguous (a tag shadowing the branch): an ambiguous
        name is an error, not a reason to try the next."""
        for candidate in DEFAULT_BASES:
            self.full_name(candidate, what="default base")
            if self.exists(candidate):
                return candidate
        return None

    def has_file(self, commit: str, path: str) -> bool:
        """Whether `path` (repository-relative) is a file in `commit`."""
        if "\n" in path:  # would split the batch request in two
            return False
        found = self._object(f"{commit}:{path}")
        return found is not None and found[1] == "blob"

    def is_shallow(self) -> bool:
        return Path(str(self._repo.common_dir), "shallow").exists()

    def parents(self, sha: str) -> tuple[str, ...]:
        found = self._object(sha)
        if found is None or found[1] != "commit":
            raise GitError(
                f"the commit {sha[:12]} is missing from this repository", hint=FETCH_HINT
            )
        parents = []
        for line in found[2].split(b"\n"):
            if not line:
                break
            if line.startswith(b"parent "):
                parents.append(_text(line[7:].strip()))
        return tuple(parents)

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether `descendant`'s history contains `ancestor` (False when git cannot say)."""
        try:
            self._run("merge-base", "--is-ancestor", ancestor, descendant)
        except GitError:
            return False
        return True

    def merge_result(self, base: str, head: str) -> str:
        """The tree that merging `head` into `base` gives, computed as `git merge` would
        (the ort strategy, renames followed), without touching the work tree or the refs.
        GitError when the merge conflicts: what lands is then not known yet."""
        if self.is_ancestor(base, head):
            return head  # the merge is a fast-forward, or a merge commit with head's tree
        tree, conflicts, failure = self._merge_tree(base, head)
        if tree is not None and conflicts is None:
            return tree
        if conflicts is not None:
            named = f" in {', '.join(conflicts[:5])}" if conflicts else ""
            raise GitError(
                f"merging {head[:12]} into {base[:12]} conflicts{named}, so what would land "
                "is not known yet",
                hint="Merge the base into the branch (or rebase it), resolve the conflicts, "
                "sign what changed, and run the gate again.",
            )
        raise GitError(
            f"git cannot compute the merge of {head[:12]} into {base[:12]}: "
            f"{failure or 'git merge-tree failed'}",
            hint="The gate needs git 2.38 or later (`git merge-tree --write-tree`) to judge "
            "a branch that is not up to date with its base; update git, or merge the base "
            "into the branch first.",
        )

    def _merge_tree(self, ours: str, theirs: str) -> tuple[str | None, list[str] | None, str]:
        """git's merge of two commits, written as a tree only (`merge-tree --write-tree`):
        (tree, None, "") when clean; (tree with conflict markers, conflicted paths, "") when
        it conflicts; (None, None, git's message) when git cannot compute it (before 2.38)."""
        done = run_git(["merge-tree", "--write-tree", "--no-messages", ours, theirs], self.root)
        first = done.stdout.split("\n", 1)[0].strip()
        if not _FULL_SHA.match(first) or done.returncode not in (0, 1):
            return None, None, (done.stderr or done.stdout).strip()
        if done.returncode == 0:
            return first, None, ""
        # Each conflicted file is listed once per stage: `MODE OID STAGE<TAB>PATH`.
        paths = dict.fromkeys(
            line.split("\t", 1)[1] for line in done.stdout.splitlines()[1:] if "\t" in line
        )
        return first, list(paths), ""

    def merge_base(self, base: str, head: str) -> str:
        try:
            out = self._run("merge-base", base, head)
        except GitError:
            out = b""
        sha = _text(out).strip()
        if not sha:
            raise GitError(
                f"the commits {base[:12]} and {head[:12]} have no common ancestor (no merge base)",
                hint=FETCH_HINT
                if self.is_shallow()
                else "Check that --base names the branch this change will merge into.",
            )
        return sha.split()[0]

    def commits(self, since: str, until: str) -> dict[str, Commit]:
        """Every commit reachable from `until` and not from `since`, with its parents.

        Only object ids are listed: author names and emails are free text that could
        imitate the listing's separators, so `author` reads them from the commit itself.
        """
        out = self._run(
            "log", "--no-show-signature", "--no-color", "--format=%H %P", f"{since}..{until}", "--"
        )
        result: dict[str, Commit] = {}
        for line in _text(out).splitlines():
            sha, *parents = line.split()
            result[sha] = Commit(sha, tuple(parents))
        return result

    def author(self, commit: Commit) -> Commit:
        """The commit with its author's name and email, read from the commit object as
        git parses them (no .mailmap, no re-encoding): the email is what lies between
        the first '<' and the next '>' of the first author header."""
        found = self._object(commit.sha)
        if found is None or found[1] != "commit":
            raise GitError(
                f"the commit {commit.sha[:12]} is missing from this repository", hint=FETCH_HINT
            )
        header = found[2].split(b"\n\n", 1)[0]
        ident = next((line[7:] for line in header.split(b"\n") if line.startswith(b"author ")), b"")
        start = ident.find(b"<")
        end = ident.find(b">", start + 1)
        if start < 0 or end < 0:
            return replace(commit, author_name=_text(ident).strip(), author_email="")
        name, email = ident[:start].strip(), ident[start + 1 : end]
        return replace(commit, author_name=_text(name), author_email=_text(email))

    def paths_changed_per_parent(
        self, commits: Iterable[Commit], pathspec: str
    ) -> dict[tuple[str, str | None], set[str]]:
        """For each (commit, parent) pair, the paths under `pathspec` that differ.

        Merges are compared with each parent separately: a file that a merge commit
        changes relative to every parent was written by the merge itself. One process.
        """
        pairs: list[tuple[str, str | None]] = []
        for commit in commits:
            pairs.extend((commit.sha, p) for p in commit.parents)
            if not commit.parents:
                pairs.append((commit.sha, None))
        result: dict[tuple[str, str | None], set[str]] = {pair: set() for pair in pairs}
        if not pairs:
            return result
        feed = "".join(f"{c} {p}\n" if p else f"{c}\n" for c, p in pairs).encode()
        out = self._run(
            "diff-tree",
            "--stdin",
            "--always",
            "--root",
            "-r",
            "-z",
            "--no-renames",
            "--no-abbrev",
            "--",
            self._repo_path(pathspec),
            stdin=feed,
        )
        tokens = out.split(b"\0")
        index = -1
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.startswith(b":"):
                if index >= 0 and i + 1 < len(tokens):
                    path = self._local_path(_text(tokens[i + 1]))
                    if path is not None:
                        result[pairs[index]].add(path)
                i += 2
                continue
            if token.strip():
                index += 1
            i += 1
        return result

    def last_writers(
        self, since: str, until: str, paths: Iterable[str], under: str
    ) -> dict[str, Commit | None]:
        """For each path (below the folder `under`), the commit between `since` (excluded)
        and `until` that last wrote its content as it is at `until`, or None when it was
        not written there (it is as it was at `since`).

        The walk follows, from `until`, a parent whose version of the path is the same;
        a commit whose version differs from every parent wrote it, merges included (a
        merge that changes a file is its author's work, whoever wrote the parents).
        """
        wanted = list(paths)
        commits = self.commits(since, until)
        if not wanted or not commits:
            return dict.fromkeys(wanted)
        changed = self.paths_changed_per_parent(commits.values(), under)
        writers = {path: _writer(path, until, commits, changed) for path in wanted}
        for path, writer in writers.items():
            if writer is not None and len(writer.parents) > 1 and self._merged_alone(writer, path):
                writers[path] = None
        return {path: self.author(w) if w else None for path, w in writers.items()}

    def _merged_alone(self, merge: Commit, path: str) -> bool:
        """Whether a merge holds the version of `path` that git's own merge of its parents
        gives: the merge combined others' edits and resolved nothing, so its author did
        not write that content ("Update branch"). An octopus merge counts as automatic."""
        if len(merge.parents) != 2:
            return True
        tree, conflicts, failure = self._merge_tree(*merge.parents)
        if tree is None:
            # git cannot redo the merge (before 2.38): crediting the merge's author with
            # content it may only have carried would pass what the gate cannot judge.
            raise GitError(
                f"git cannot redo the merge {merge.sha[:12]} that last wrote {path}: "
                f"{failure or 'git merge-tree failed'}",
                hint="The gate needs git 2.38 or later (`git merge-tree --write-tree`) to "
                "tell a merge that resolved a record from one that carried it; update git.",
            )
        if conflicts is not None and self._repo_path(path) in conflicts:
            return False  # a conflict in the record itself: the merge's author resolved it
        # A conflict elsewhere does not make the record the merge author's work: git's
        # merge still gives its version of this path.
        return self._blob_at(tree, path) == self._blob_at(merge.sha, path)

    def _blob_at(self, treeish: str, path: str) -> str | None:
        found = self._object(f"{treeish}:{self._repo_path(path)}")
        return found[0] if found is not None else None

    # -- trees and blobs ---------------------------------------------------------------
    def changes(self, old: str, new: str) -> list[Change]:
        """Files changed from commit `old` to commit `new` (below the prefix)."""
        args = ["diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", old, new]
        if self.prefix:
            args += ["--", self.prefix + "/"]
        tokens = self._run(*args).split(b"\0")
        found: list[Change] = []
        for i in range(0, len(tokens) - 1, 2):
            meta = _text(tokens[i])
            if not meta.startswith(":"):
                continue
            old_mode, new_mode, old_blob, new_blob, status = meta[1:].split(" ")
            path = self._local_path(_text(tokens[i + 1]))
            if path is None:
                continue
            found.append(
                Change(
                    status[0],
                    path,
                    None if is_null(old_blob) else old_blob,
                    None if is_null(new_blob) else new_blob,
                    old_mode,
                    new_mode,
                )
            )
        return found

    def entries(self, commit: str) -> tuple[dict[str, Entry], dict[str, Entry]]:
        """The files of a commit (below the prefix), and apart from them its submodules
        (gitlinks, whose content is another repository's commit), by local path."""
        args = ["ls-tree", "-r", "-l", "-z", "--full-tree", commit]
        if self.prefix:
            args += ["--", self.prefix + "/"]
        files: dict[str, Entry] = {}
        gitlinks: dict[str, Entry] = {}
        for item in self._run(*args).split(b"\0"):
            if not item:
                continue
            meta, _, raw_path = item.partition(b"\t")
            mode, kind, blob, size = meta.split()
            path = self._local_path(_text(raw_path))
            if path is None or kind not in (b"blob", b"commit"):
                continue
            entry = Entry(_text(mode), _text(blob), int(size) if size.isdigit() else 0)
            (files if kind == b"blob" else gitlinks)[path] = entry
        return files, gitlinks

    def blob(self, sha: str) -> bytes:
        found = self._object(sha)
        if found is None or found[1] != "blob":
            raise GitError(
                f"the file object {sha[:12]} is missing from this repository", hint=FETCH_HINT
            )
        return found[2]

    def each_blob(self, shas: Sequence[str]) -> Iterator[tuple[str, memoryview | None]]:
        """Each of `shas` (repeats included) with its content, in order, read as a stream
        from one `git cat-file --batch`: what the caller does not copy out of the view is
        not kept (the view is valid until the next item). None for a missing object or
        one that is not a blob."""
        if not shas:
            return
        gitpython = _gitpython()
        command = [gitpython.Git.GIT_PYTHON_GIT_EXECUTABLE or "git", "cat-file", "--batch"]
        with _scrubbed_environ(), tempfile.TemporaryFile() as feed:
            feed.write("".join(f"{s}\n" for s in shas).encode())
            feed.seek(0)
            try:
                process = self._git.execute(command, istream=feed, as_process=True)
            except gitpython.GitCommandNotFound:
                raise _not_installed() from None
        assert process.proc is not None and process.proc.stdout is not None
        proc, stdout = process.proc, process.proc.stdout
        buffer = bytearray()
        at = 0
        complete = False
        try:
            for sha in shas:
                end = buffer.find(b"\n", at)
                while end < 0:
                    del buffer[:at]
                    at = 0
                    _read_more(stdout, buffer)
                    end = buffer.find(b"\n")
                header = bytes(buffer[at:end]).split(b" ")
                at = end + 1
                if len(header) != 3:
                    yield sha, None  # "<sha> missing"
                    continue
                size = int(header[2])
                while len(buffer) < at + size + 1:
                    del buffer[:at]
                    at = 0
                    _read_more(stdout, buffer)
                if header[1] != b"blob":
                    yield sha, None
                else:
                    view = memoryview(buffer)[at : at + size]
                    try:
                        yield sha, view
                    finally:
                        view.release()  # so that the buffer can move on
                at += size + 1
            complete = True
        finally:
            stdout.close()
            if not complete:
                proc.kill()  # the caller stopped early, or reading failed: git need not finish
            try:
                process.wait()
            except gitpython.GitCommandError as exc:
                if complete:
                    raise GitError(_stderr(exc, ["cat-file"])) from None

    def tree(self, commit: str, label: str) -> GitTree:
        return GitTree(self, commit, label)

    def last_commits(self, paths: Iterable[str], commit: str = "HEAD") -> dict[str, str]:
        """For each of `paths`, the last commit at or before `commit` that changed it (one
        git process for all of them); a path no commit changed is left out."""
        return {path: sha for path, (sha, _) in self.last_changes(paths, commit).items()}

    def last_changes(
        self, paths: Iterable[str], commit: str = "HEAD", *, since: datetime | None = None
    ) -> dict[str, tuple[str, datetime]]:
        """For each of `paths`, the last commit at or before `commit` that changed it and
        that commit's author date (which rebase keeps), in one git process; history is
        simplified as `git log PATH` does, so a merge that only carried a file is passed
        over. A path no commit changed (since `since`, by committer date) is left out."""
        wanted = {self._repo_path(p): p for p in paths}
        if not wanted:
            return {}
        limit = [f"--since={int(since.timestamp())}"] if since is not None else []
        out = _text(
            self._run(
                "log",
                "--no-show-signature",
                "--format=%x00%H %at",
                "--name-only",
                "-z",
                *limit,
                commit,
                "--",
                *sorted(wanted),
            )
        )
        # `\0SHA DATE\0\nPATH\0PATH\0\0SHA DATE...`: a commit follows an empty field, a
        # path never does (a commit with no path listed is followed by an empty field).
        found: dict[str, tuple[str, datetime]] = {}
        current, after_empty = ("", _EPOCH), False
        for field in out.split("\0"):
            if not field:
                after_empty = True
                continue
            if after_empty:
                sha, _, stamp = field.partition(" ")
                when = (
                    datetime.fromtimestamp(int(stamp), timezone.utc) if stamp.isdigit() else _EPOCH
                )
                current = (sha, when)
            elif field.removeprefix("\n") in wanted:
                found.setdefault(wanted[field.removeprefix("\n")], current)
            after_empty = False
        return found

    def path_log(self, folders: Sequence[str], commit: str = "HEAD") -> list[LoggedCommit]:
        """Every commit on the first-parent line of `commit` that changed a file under
        `folders` (local paths; "" is everything below the prefix), oldest first, each with
        the files it changed against its first parent (renames detected, `-M`) and the blob
        ids of their new content. One `git log` process for the whole history."""
        specs = sorted(
            {self._repo_path(f.rstrip("/")) if f else (self.prefix or ".") for f in folders}
        )
        out = self._run(
            "log",
            "--first-parent",
            "-m",
            "--raw",
            "-M",
            "--no-abbrev",
            "--no-show-signature",
            "--no-color",
            "--reverse",
            "-z",
            "--format=commit %H %cI",
            commit,
            "--",
            *specs,
        )
        logged: list[LoggedCommit] = []
        sha, date = "", ""
        changes: list[PathChange] = []
        tokens = out.split(b"\0")
        i = 0
        while i < len(tokens):
            token = tokens[i].lstrip(b"\n")
            i += 1
            if token.startswith(b":"):
                meta = _text(token[1:]).split(" ")
                status, blob = meta[4], meta[3]
                paths = 2 if status[:1] in ("R", "C") else 1
                names = [_text(t) for t in tokens[i : i + paths]]
                i += paths
                new = self._local_path(names[-1])
                old = self._local_path(names[0]) if paths == 2 else None
                if new is None:
                    continue
                kind = status[:1]
                if kind in ("R", "C") and old is None:
                    kind = "A"  # from outside the folder mltriad reads: an addition here
                changes.append(PathChange(kind, new, old, None if is_null(blob) else blob))
            elif token.startswith(b"commit "):
                if sha:
                    logged.append(LoggedCommit(sha, date, tuple(changes)))
                sha, _, date = _text(token[7:]).partition(" ")
                changes = []
        if sha:
            logged.append(LoggedCommit(sha, date, tuple(changes)))
        return logged

    def last_version(self, path: str, commit: str = "HEAD") -> tuple[str, bytes] | None:
        """The commit and content of the last version of `path` at or before `commit`.

        For a file that has since been deleted: the content its deletion removed.
        """
        full = self._repo_path(path)
        current = self._object(f"{commit}:{full}")
        if current is not None and current[1] == "blob":
            return self.resolve(commit), current[2]
        out = _text(
            self._run("log", "-1", "--no-show-signature", "--format=%H", commit, "--", full)
        ).strip()
        if not out:
            return None
        for parent in self.parents(out):
            found = self._object(f"{parent}:{full}")
            if found is not None and found[1] == "blob":
                return parent, found[2]
        return None

    def config(self, key: str) -> str | None:
        try:
            out = self._run("config", "--get", key)
        except GitError:
            return None
        value = _text(out).strip()
        return value or None

    def config_scope(self, key: str) -> str | None:
        """Where the value of `key` that git uses is set: local, worktree, global, system
        or command (None when it is not set)."""
        try:
            out = _text(self._run("config", "--show-scope", "--get", key)).strip()
        except GitError:
            return None
        scope, _, _value = out.partition("\t")
        return scope or None

    def set_config(self, key: str, value: str) -> None:
        """Set `key` in the repository's own configuration (.git/config)."""
        self._run("config", "--local", key, value)

    def git_path(self, name: str) -> Path:
        """The absolute path of `name` inside the git folder, as git resolves it
        (`git rev-parse --git-path`): the common folder of linked worktrees, and
        core.hooksPath for `hooks`."""
        out = _text(self._run("rev-parse", "--git-path", name)).rstrip("\n")
        return (self.root / out) if not os.path.isabs(out) else Path(out)

    # -- paths -------------------------------------------------------------------------
    def _repo_path(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def _local_path(self, path: str) -> str | None:
        if not self.prefix:
            return path
        if path.startswith(self.prefix + "/"):
            return path[len(self.prefix) + 1 :]
        return None


class GitTree:
    """The files of one commit, behind the `Snapshot` interface.

    The tree is listed once (`ls-tree -r`) on first use; blobs come from the repository's
    persistent `cat-file --batch`. Symbolic links are followed inside the tree only.
    """

    def __init__(self, repo: GitRepo, commit: str, label: str) -> None:
        self.repo = repo
        self.commit = commit
        self.label = label
        self._listing: tuple[dict[str, Entry], dict[str, Entry]] | None = None

    @property
    def entries(self) -> dict[str, Entry]:
        """The files (symbolic links included), by local path."""
        return self._list()[0]

    @property
    def gitlinks(self) -> dict[str, Entry]:
        """The submodules, by local path: they are not files and are never read."""
        return self._list()[1]

    def _list(self) -> tuple[dict[str, Entry], dict[str, Entry]]:
        if self._listing is None:
            self._listing = self.repo.entries(self.commit)
        return self._listing

    def entry(self, path: str) -> Entry | None:
        """The tree entry of a file, symbolic links resolved; None if there is none."""
        clean = normalize(path)
        if clean is None:
            raise ParseError(
                OUTSIDE_REPOSITORY.id,
                f"the path '{path}' leads outside the repository; it was not read",
            )
        for _ in range(_MAX_SYMLINK_HOPS):
            found = self.entries.get(clean)
            if found is None or found.mode != _SYMLINK:
                return found
            target = self.repo.blob(found.blob).decode("utf-8", "surrogateescape")
            joined = posixpath.join(posixpath.dirname(clean), target)
            resolved = normalize(joined) if not target.startswith("/") else None
            if resolved is None:
                raise ParseError(
                    OUTSIDE_REPOSITORY.id,
                    f"'{clean}' is a symlink to {target}, outside the repository; it was not read",
                )
            clean = resolved
        raise ParseError(
            OUTSIDE_REPOSITORY.id,
            f"'{path}' is a chain of symlinks too long to follow; it was not read",
        )

    def read_bytes(self, path: str, limit: int = DEFAULT_MAX_BYTES) -> bytes:
        found = self.entry(path)
        if found is None:
            raise FileNotFoundError(f"{path} is not in {self.label}")
        if found.size > limit:
            raise ParseError(
                FILE_TOO_LARGE.id,
                f"the file is {found.size:,} bytes, over the "
                f"limit of {limit:,} bytes for an artifact; it was not read",
            )
        return self.repo.blob(found.blob)

    def exists(self, path: str) -> bool:
        try:
            return self.entry(path) is not None
        except ParseError:
            return False

    def glob(self, pattern: str) -> list[str]:
        regex = glob_regex(pattern)
        return sorted(p for p in self.entries if regex.match(p))

    def blob_id(self, path: str) -> str | None:
        """The object id of a file's content (without following symlinks)."""
        found = self.entries.get(path)
        return found.blob if found is not None else None


def _writer(
    path: str,
    start: str,
    commits: Mapping[str, Commit],
    changed: Mapping[tuple[str, str | None], set[str]],
) -> Commit | None:
    sha = start
    while True:
        commit = commits.get(sha)
        if commit is None:
            return None  # reached history before `since`: not written in the range
        if not commit.parents:
            return commit if path in changed.get((sha, None), set()) else None
        same = [p for p in commit.parents if path not in changed.get((sha, p), set())]
        if not same:
            return commit
        sha = same[0]


# -- git without a repository object (init, new) ---------------------------------------------
def environment() -> dict[str, str]:
    """os.environ without the variables that would point git at another repository."""
    kept = {k: v for k, v in os.environ.items() if not is_stripped(k)}
    return {**kept, **HISTORY_AS_COMMITTED}


def run_git(args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run git in `cwd` with the same environment as GitRepo; GitError when git is missing."""
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=environment(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise _not_installed() from None


def toplevel(path: Path) -> Path | None:
    """The top folder of the git work tree holding `path`, or None outside any."""
    try:
        result = run_git(["rev-parse", "--show-toplevel"], path)
    except GitError:
        return None
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return Path(result.stdout.strip()).resolve()


def init_repository(root: Path) -> bool:
    """`git init` in `root` on the user's default branch (else `main`); False without git."""
    try:
        configured = run_git(["config", "--get", "init.defaultBranch"], root).stdout.strip()
        # The docs and the gate speak of `main`; a branch name the user configured wins.
        result = run_git(["init", "--quiet", "-b", configured or "main"], root)
    except GitError:
        return False
    if result.returncode != 0:
        raise GitError(f"`git init` failed in {root}: {result.stderr.strip()}")
    return True


@dataclass(frozen=True)
class NewCommit:
    """A commit `write_history` makes: its author (also its committer), its date (epoch
    seconds, UTC), its message and the files it writes (repository path -> content)."""

    message: str
    name: str
    email: str
    when: int
    files: Mapping[str, bytes]


def write_history(root: Path, commits: Sequence[NewCommit]) -> str:
    """Commit `commits`, in order, on the branch HEAD names in the new repository at `root`
    (which has no commit yet), through one `git fast-import`; then the index is set to the
    last commit and the work tree is left as it is. Returns the last commit's sha.

    No hook runs and no identity of the user's is needed: the commits are as given."""
    branch = run_git(["symbolic-ref", "-q", "HEAD"], root).stdout.strip() or "refs/heads/main"
    chunks: list[bytes] = []
    for commit in commits:
        who = f"{commit.name} <{commit.email}> {commit.when} +0000"
        message = commit.message.encode("utf-8")
        chunks.append(
            f"commit {branch}\nauthor {who}\ncommitter {who}\ndata {len(message)}\n".encode()
            + message
            + b"\n"
        )
        for path, data in commit.files.items():
            chunks.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        chunks.append(b"\n")
    chunks.append(b"done\n")
    try:
        done = subprocess.run(
            ["git", "fast-import", "--quiet", "--done"],
            cwd=root,
            env=environment(),
            input=b"".join(chunks),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise _not_installed() from None
    if done.returncode != 0:
        raise GitError(
            f"`git fast-import` failed in {root}: {done.stderr.decode(errors='replace').strip()}"
        )
    index = run_git(["read-tree", "HEAD"], root)
    if index.returncode != 0:
        raise GitError(f"`git read-tree` failed in {root}: {index.stderr.strip()}")
    return run_git(["rev-parse", "HEAD"], root).stdout.strip()


def tree_paths(root: Path, ref: str, folder: str) -> list[str]:
    """Paths of the files under `folder` (relative to `root`) in the commit `ref`."""
    if toplevel(root) is None:
        raise GitError(
            f"--base needs a git repository, and {root} is not in one",
            hint="Leave out --base, or run `git init` first.",
        )
    verify = run_git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    if ref.startswith("-") or verify.returncode != 0:
        raise GitError(
            f"the base '{ref}' is not a commit in this repository",
            hint="Fetch it first (for example `git fetch origin`), or name another "
            "branch with --base.",
        )
    listing = run_git(
        ["ls-tree", "-r", "-z", "--name-only", verify.stdout.strip(), "--", folder or "."], root
    )
    if listing.returncode != 0:
        raise GitError(
            f"git could not list {folder or 'the files'} at '{ref}': {listing.stderr.strip()}"
        )
    return [p for p in listing.stdout.split("\0") if p]


def _split_ref(ref: str) -> tuple[str, str]:
    """('main', '~2') for 'main~2': the name, and the expression on it."""
    match = _SUFFIX.search(ref)
    return (ref, "") if match is None else (ref[: match.start()], ref[match.start() :])


def _gitpython() -> Any:
    """GitPython, imported on first use (commands that do not need git do not pay for it)."""
    # Without git on PATH, GitPython's import would fail with a long message of its own;
    # the first command then raises GitCommandNotFound, which _run turns into a sentence.
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    import git as gitpython

    return gitpython


def _not_installed() -> GitError:
    return GitError(
        "git is not installed or not on PATH",
        hint="Install git (https://git-scm.com) and run again.",
    )


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def _read_more(stream: Any, buffer: bytearray) -> None:
    """Append the next chunk of `stream` to `buffer` (a blocking read of up to 1 MiB: git
    has all it needs on its stdin, and fewer, larger reads cost less than a wake-up per
    pipe write); a stream that ended before every object asked for was given is a
    GitError."""
    chunk = stream.read(1 << 20)
    if not chunk:
        raise GitError("`git cat-file` stopped before giving every object asked for")
    buffer += chunk


def _stderr(exc: Any, args: Sequence[str]) -> str:
    detail = _text(exc.stderr or b"").strip().replace("\n", " ")
    detail = detail.removeprefix("stderr: ").strip("'").strip()
    return f"`git {args[0]}` failed: {detail or exc}"
