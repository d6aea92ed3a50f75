"""MkDocs hooks of mltriad's own documentation (see `hooks:` in mkdocs.yml).

- Adds the generated reference (commands, schemas, rules) from `mltriad.docgen`, so
  those pages always describe the code they are built with.
- Replaces a line `<!-- mltriad:NAME -->` in a hand-written page with the generated
  snippet NAME (the output examples, the table of schema ids).
- Leaves the guide pages listed in CONTRIBUTED_PAGES out of the nav, and turns links to
  them into plain text, while they do not exist yet: the site builds with `--strict` at
  every commit. Any other missing page or broken link still fails the build.
"""

from __future__ import annotations

import logging
import posixpath
import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from mltriad import docgen

log = logging.getLogger("mkdocs.hooks.mltriad")

CONTRIBUTED_PAGES = frozenset(
    {
        "concepts/signoffs.md",
        "guides/merge-gate.md",
        "guides/eval-sets-and-targets.md",
        "guides/init-and-new.md",
        "guides/pre-commit.md",
        "guides/github-action.md",
        "guides/triad-site.md",
        "guides/adopt.md",
        "performance.md",
    }
)

MARKER = re.compile(r"^<!-- mltriad:([a-z0-9-]+) -->$", re.MULTILINE)
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s#]+\.md)(#[^)\s]*)?\)")

_snippets: dict[str, str] = {}
_missing: set[str] = set()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for path, content in docgen.pages().items():
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} is generated when the site is built; delete the file.")
        files.append(File.generated(config, path, content=content))
    _missing.clear()
    _missing.update(p for p in CONTRIBUTED_PAGES if files.get_file_from_path(p) is None)
    if _missing:
        log.info("Not yet written, left out of the nav: %s", ", ".join(sorted(_missing)))
        config.nav = _without(config.nav, _missing)
    _snippets.clear()
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = MARKER.sub(lambda m: _snippet(m.group(1), page), markdown)
    return LINK.sub(lambda m: _link_or_text(m, page), markdown)


def _snippet(name: str, page: Page) -> str:
    if not _snippets:
        _snippets.update(docgen.snippets())
    if name not in _snippets:
        known = ", ".join(sorted(_snippets))
        raise PluginError(
            f"docs/{page.file.src_uri}: no generated snippet '{name}' (known: {known})."
        )
    return _snippets[name]


def _link_or_text(match: re.Match[str], page: Page) -> str:
    target = posixpath.normpath(
        posixpath.join(posixpath.dirname(page.file.src_uri), match.group(2))
    )
    return match.group(1) if target in _missing else match.group(0)


def _without(nav: Any, missing: set[str]) -> Any:
    """The nav with entries for `missing` pages removed, and sections left empty too."""
    if not isinstance(nav, list):
        return nav
    kept: list[Any] = []
    for entry in nav:
        if isinstance(entry, str):
            if entry not in missing:
                kept.append(entry)
            continue
        if isinstance(entry, dict):
            title, value = next(iter(entry.items()))
            if isinstance(value, list):
                value = _without(value, missing)
                if value:
                    kept.append({title: value})
            elif value not in missing:
                kept.append(entry)
            continue
        kept.append(entry)
    return kept
