"""The getting-started page, followed step by step as a reader would.

Every command the test runs must appear on the page, and every output line the page
shows (in a block that starts with `$ command`) must be in the real output.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.helpers import ROOT, git, run

pytestmark = pytest.mark.slow

PAGE = ROOT / "docs" / "getting-started.md"
CARD = "model-cards/fraud-detector.md"


def shown_outputs(page: str) -> list[tuple[str, list[str]]]:
    """Each ```text block that starts with `$ command`: the command and the lines shown."""
    found = []
    for block in re.findall(r"```text\n(.*?)```", page, re.DOTALL):
        first, *lines = block.rstrip("\n").splitlines()
        if first.startswith("$ "):
            found.append((first[2:], [line for line in lines if line != "..."]))
    return found


def undated(line: str) -> str:
    """The page shows the date of its example; the real output has today's."""
    return re.sub(r"\d{4}-\d{2}-\d{2}", "YYYY-MM-DD", line)


class Reader:
    """Runs the page's commands in order, in the folder the page is in at that step."""

    def __init__(self, folder: Path) -> None:
        self.cwd = folder
        self.page = PAGE.read_text(encoding="utf-8")
        self.outputs = shown_outputs(self.page)

    def do(self, command: str, exit_code: int = 0) -> str:
        assert command in self.page, f"the page does not show `{command}`"
        if command.startswith("cd "):
            self.cwd = self.cwd / command[3:]
            return ""
        args = shlex.split(command)
        if args[0] == "git":
            return git(self.cwd, *args[1:])
        result = run(args[1:], cwd=self.cwd)
        assert result.returncode == exit_code, f"{command}:\n{result.stdout}{result.stderr}"
        self._compare(command, result.stdout)
        return result.stdout

    def _compare(self, command: str, output: str) -> None:
        if self.outputs and self.outputs[0][0] == command:
            _, lines = self.outputs.pop(0)
            real = [undated(line) for line in output.splitlines()]
            for line in lines:
                assert undated(line) in real, (
                    f"`{command}` no longer prints:\n{line}\n\nIt printed:\n{output}"
                )

    def edit(self, path: str, old: str, new: str) -> None:
        file = self.cwd / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"the page asks to change {old!r} in {path}, which is not there"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_getting_started_walkthrough(tmp_path: Path) -> None:
    reader = Reader(tmp_path)
    reader.do("mltriad init --example demo")
    reader.do("mltriad -C demo check")

    reader.edit(f"demo/{CARD}", "status: candidate", "status: shipped")
    shipped = reader.do("mltriad -C demo check", exit_code=1)
    mt104 = next(line for line in shipped.splitlines() if "MT104" in line)
    assert mt104 in reader.page, "the MT104 line on the page differs from the real one"
    reader.edit(f"demo/{CARD}", "status: shipped", "status: candidate")

    reader.do("cd demo")
    reader.do("git add -A")
    reader.do('git commit -m "Govern the fraud model with mltriad"')
    reader.do("git branch -M main")
    play(reader, "Grace Hopper", "grace@example.org")
    reader.do("git switch -c raise-recall-bar")
    reader.edit(CARD, "    min: 0.80", "    min: 0.85")
    reader.do("mltriad check")
    reader.do('git commit -am "Raise the recall bar on new merchants to 0.85"')

    reader.do("mltriad gate --base main", exit_code=1)
    reader.do("mltriad status --base main")

    sign(
        reader,
        "product-manager",
        "The new bar matches the cost of missed fraud.",
        "Sign off fraud-detector as product manager",
    )
    play(reader, "Ada Lovelace", "ada@example.org")
    sign(
        reader,
        "ml-engineer",
        "Current model reaches 0.87 on this slice.",
        "Sign off fraud-detector as ML engineer",
    )
    play(reader, "Katherine Johnson", "katherine@example.org")
    sign(
        reader,
        "domain-expert",
        "Agreed: new-merchant fraud is the costly case.",
        "Sign off fraud-detector as domain expert",
    )
    assert (reader.cwd / "signoffs" / CARD / "product-manager.yaml").is_file()
    reader.do("mltriad gate --base main")

    reader.edit(CARD, "scores every card payment", "scores each card payment")
    reader.do('git commit -am "Reword the fraud-detector card"')
    reader.do("mltriad status --base main")
    assert not reader.outputs, f"outputs shown on the page but never produced: {reader.outputs}"


def play(reader: Reader, name: str, email: str) -> None:
    reader.do(f'git config user.name "{name}"')
    reader.do(f"git config user.email {email}")


def sign(reader: Reader, role: str, note: str, message: str) -> None:
    reader.do(f'mltriad signoff {CARD} --role {role} --note "{note}"')
    reader.do("git add signoffs")
    reader.do(f'git commit -m "{message}"')
