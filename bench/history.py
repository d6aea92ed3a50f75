"""A governed repository with a long git history and a pull request on top, for the gate.

The history is written with one `git fast-import` stream, not one `git commit` per
commit, so 20,000 commits take seconds. It starts with a generated repository on `main`,
then goes round the model cards: an ML engineer edits a card, and each of its signers
commits a fresh sign-off record, as a team would. The branch `change` then edits
`--change` artifacts (model cards and decision records) in one commit, and each signer
commits the records for what they sign, so the gate on `main..change` should pass.

    python bench/history.py DIR --size 2000 --commits 20000 --change 50
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generate import ROLES, Person, Writer, digest, required_roles, signoff_path, signoff_record

EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z


@dataclass
class Commit:
    branch: str
    author: Person
    message: str
    files: dict[str, str]


class History:
    """Builds the fast-import stream commit by commit, keeping the current tree in memory."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.tree = writer.build()
        self.chunks: list[bytes] = []
        self.mark = 0
        self.tips: dict[str, int] = {}
        self.signed = writer.plan.counts["signoff"]  # records of the first commit came first

    def commit(self, commit: Commit, parent_branch: str | None = None) -> None:
        self.mark += 1
        when = EPOCH + self.mark * 60
        who = f"{commit.author.name} <{commit.author.email}> {when} +0000"
        message = commit.message.encode()
        lines = [
            f"commit refs/heads/{commit.branch}",
            f"mark :{self.mark}",
            f"author {who}",
            f"committer {who}",
            f"data {len(message)}",
        ]
        self.chunks.append(("\n".join(lines) + "\n").encode() + message + b"\n")
        parent = self.tips.get(commit.branch) or self.tips.get(parent_branch or "")
        if parent:
            self.chunks.append(f"from :{parent}\n".encode())
        for path, text in commit.files.items():
            data = text.encode("utf-8")
            self.chunks.append(
                f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
            )
            self.tree[path] = text
        self.chunks.append(b"\n")
        self.tips[commit.branch] = self.mark

    def edit(self, paths: list[str], note: str) -> dict[str, str]:
        """New content for each artifact: its body gains a revision note."""
        return {path: self.tree[path].rstrip("\n") + f"\n\n{note}\n" for path in paths}

    def sign_offs(self, branch: str, paths: list[str]) -> None:
        """One commit per signer, holding the records of every artifact they sign."""
        by_signer: dict[str, dict[str, str]] = defaultdict(dict)
        people: dict[str, Person] = {}
        for path in paths:
            for role in required_roles(path):
                signer = self.writer.owner(path, role)
                people[signer.email] = signer
                by_signer[signer.email][signoff_path(path, role)] = signoff_record(
                    path, role, signer, digest(self.tree[path]), self.next_signature()
                )
        for email, files in sorted(by_signer.items()):
            self.commit(Commit(branch, people[email], f"Sign off {len(files)} artifact(s)", files))

    def next_signature(self) -> int:
        """The minute (counted as `signed_at` does) of the next record: after every record
        before it, and no earlier than the commit that will hold it, so that no record is
        dated before the edit it signs (the gate would read it as restored from history)."""
        self.signed = max(self.signed + 1, self.mark + 1)
        return self.signed

    def stream(self) -> bytes:
        return b"".join(self.chunks) + b"done\n"


def model_cards(tree: dict[str, str]) -> list[str]:
    return sorted(p for p in tree if p.startswith("model-cards/"))


def decisions(tree: dict[str, str]) -> list[str]:
    return sorted(p for p in tree if p.startswith("decisions/"))


def rounds(cards: list[str]) -> Iterator[str]:
    while True:
        yield from cards


def build(root: Path, size: int, commits: int, change: int, seed: int = 7) -> None:
    """Write the repository at `root`: `commits` commits on main, then the branch `change`."""
    if commits < 1:
        raise ValueError("the history needs at least one commit")
    history = History(Writer(size, seed))
    engineer = history.writer.people["ml-engineer"][0]
    history.commit(Commit("main", engineer, "Add the governed artifacts", dict(history.tree)))
    revision = 0
    cards = rounds(model_cards(history.tree))
    while history.mark < commits:
        card = next(cards)
        revision += 1
        history.commit(
            Commit(
                "main",
                engineer,
                f"Revise {card}",
                history.edit([card], f"Revision {revision}: {history.writer.sentence(8)}"),
            )
        )
        for role in ROLES:
            if history.mark >= commits:
                break
            signer = history.writer.owner(card, role)
            record = signoff_record(
                card, role, signer, digest(history.tree[card]), history.next_signature()
            )
            history.commit(
                Commit(
                    "main", signer, f"Sign off {card} as {role}", {signoff_path(card, role): record}
                )
            )
    changed = pick_change(history.tree, change)
    history.commit(
        Commit(
            "change",
            engineer,
            f"Revise {len(changed)} artifacts",
            history.edit(changed, "Revised for the next release."),
        ),
        parent_branch="main",
    )
    history.sign_offs("change", changed)
    run_git(root, "init", "-q", "-b", "main", str(root))
    run_git(root, "fast-import", "--quiet", "--done", stdin=history.stream())
    run_git(root, "checkout", "-q", "-f", "change")


def pick_change(tree: dict[str, str], change: int) -> list[str]:
    """`change` artifacts, half model cards and half decision records (as far as they go)."""
    cards, records = model_cards(tree), decisions(tree)
    half = min(change // 2, len(records))
    picked = cards[: change - half] + records[:half]
    if len(picked) < change:
        raise ValueError(
            f"the repository has only {len(picked)} artifacts to change; pass a larger --size"
        )
    return picked


def run_git(root: Path, *args: str, stdin: bytes | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    cwd = root if root.exists() else root.parent
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, input=stdin, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"git {args[0]} failed in {root}: {result.stderr.decode(errors='replace')}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dir", type=Path, help="a new folder for the repository")
    parser.add_argument(
        "--size", type=int, default=2000, help="artifacts in the repository (default 2000)"
    )
    parser.add_argument("--commits", type=int, default=1000, help="commits on main (default 1000)")
    parser.add_argument(
        "--change", type=int, default=50, help="artifacts the branch changes (default 50)"
    )
    args = parser.parse_args(argv)
    if args.dir.exists():
        print(f"history: error: {args.dir} exists; pass a new folder", file=sys.stderr)
        return 2
    args.dir.mkdir(parents=True)
    try:
        build(args.dir, args.size, args.commits, args.change)
    except (ValueError, RuntimeError) as exc:
        print(f"history: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {args.dir}: {args.commits} commits on main, branch 'change' with {args.change} artifacts"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
