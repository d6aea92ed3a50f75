"""The example site: `mltriad init --example` with sign-offs of every state, built by a
real MkDocs in its own process."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mltriad.artifacts import digest_bytes
from tests.helpers import CARD, DECISION, EVAL_SET, TESTS, commit_all, run
from tests.helpers.signing import MEMBER_OF, PEOPLE

SITE_DATA = TESTS / "data" / "site" / "repo"
_DIGEST_TOKEN = re.compile(r"@@DIGEST:([^@]+)@@")
_ROLE_OF = {who: role for role, who in MEMBER_OF.items()}


def material_installed() -> bool:
    return importlib.util.find_spec("material") is not None


def overlay(source: Path, repo: Path) -> None:
    """Copy the files under `source` into `repo`, filling in @@DIGEST:path@@ tokens."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    for path in sorted(files, key=lambda p: "@@DIGEST" in p.read_text(encoding="utf-8")):
        text = path.read_text(encoding="utf-8")
        text = _DIGEST_TOKEN.sub(lambda m: digest_bytes((repo / m.group(1)).read_bytes()), text)
        target = repo / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def sign(repo: Path, path: str, who: str) -> None:
    """`mltriad signoff` by one person for their role, committed as them."""
    role, (_, email) = _ROLE_OF[who], PEOPLE[who]
    result = run(["signoff", path, "--role", role, "--email", email], cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    commit_all(repo, f"Sign off {path} as {role}", author=PEOPLE[who])


def example_site_repo(path: Path) -> Path:
    """`mltriad init --example`, plus a draft model card that misses a target, its
    evaluation set and a proposed decision; the fraud card signed by all three roles,
    decision 0002 signed and then edited (stale), the fraud set signed by one role."""
    path.parent.mkdir(parents=True, exist_ok=True)
    result = run(["init", "--example", path.name], cwd=path.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    overlay(SITE_DATA, path)
    commit_all(path, "example artifacts")
    for who in ("ada", "grace", "katherine"):
        sign(path, CARD, who)
    for who in ("ada", "grace"):
        sign(path, DECISION, who)
    sign(path, EVAL_SET, "grace")
    decision = path / DECISION
    decision.write_text(
        decision.read_text(encoding="utf-8")
        + "* Neutral, because the analysts' tooling needs no change.\n",
        encoding="utf-8",
    )
    commit_all(path, "Add a consequence to decision 0002", author=PEOPLE["ada"])
    return path


def demo_template(factory: pytest.TempPathFactory) -> Path:
    """The example repository, built once per test session (signing takes seconds)."""
    template = factory.getbasetemp() / "site-demo-template" / "demo"
    if not template.exists():
        example_site_repo(template)
    return template


def write_config(repo: Path, *, theme: str = "mkdocs", extra: str = "") -> None:
    """mkdocs.yml for the repository: site name, theme, search and the mltriad plugin."""
    # Both themes fetch from CDNs by default (fonts, highlight.js): off, to work offline.
    theme_block = (
        "theme:\n  name: material\n  font: false\n"
        if theme == "material"
        else ("theme:\n  name: mkdocs\n  highlightjs: false\n")
    )
    (repo / "mkdocs.yml").write_text(
        f"site_name: Payments ML\n{theme_block}plugins:\n  - search\n  - mltriad\n{extra}",
        encoding="utf-8",
    )


def build(
    repo: Path, *, theme: str = "mkdocs", strict: bool = True, extra: str = ""
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` of the repository, in a real process."""
    write_config(repo, theme=theme, extra=extra)
    args = [sys.executable, "-m", "mkdocs", "build"] + (["--strict"] if strict else [])
    return subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=300, check=False)
