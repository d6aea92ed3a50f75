"""Relative links in an artifact's Markdown, re-pointed for the page that now shows it.

A card at model-cards/fraud.md may link `../decisions/0002-use-gbm.md` or
`../docs/labels/fraud.md`; on the site it is the page triad/models/fraud.md. Links to
another artifact go to that artifact's page and links into the docs folder go to the same
file there. An inline link to anything else (a file outside the docs, a path that does
not exist) would be a broken link on the site: it is shown as its text, and reported.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mltriad.markdown import classify_lines
from mltriad.snapshot import normalize

_INLINE = re.compile(
    r"(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target><[^>\n]*>|[^)\s]+)"
    r"(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\)"
)
_REFERENCE = re.compile(r"^(?P<head> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<target><[^>\n]*>|\S+)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

PageOf = Callable[[str], "str | None"]


@dataclass
class Rebased:
    """The rewritten Markdown, and the links that lead to no page of the site."""

    text: str
    outside: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Linker:
    artifact_path: str
    page_src: str
    page_of: PageOf
    docs_dir: str | None

    def rebase(self, link: str) -> str | None:
        """The link as the page must write it; None when it leads outside the site."""
        if not link or link.startswith(("#", "/")) or _SCHEME.match(link):
            return link
        path, hash_mark, fragment = link.partition("#")
        if not path:
            return link
        repo_path = normalize(posixpath.join(posixpath.dirname(self.artifact_path), path))
        if repo_path is None:
            return None
        destination = self.page_of(repo_path) or self._in_docs(repo_path)
        if destination is None:
            return None
        relative = posixpath.relpath(destination, posixpath.dirname(self.page_src) or ".")
        return relative + hash_mark + fragment

    def _in_docs(self, repo_path: str) -> str | None:
        if self.docs_dir is None:
            return None
        prefix = "" if self.docs_dir in ("", ".") else self.docs_dir.rstrip("/") + "/"
        return repo_path[len(prefix) :] if repo_path.startswith(prefix) else None


def rebase_links(
    body: str, artifact_path: str, page_src: str, page_of: PageOf, docs_dir: str | None
) -> Rebased:
    """`body` with its relative links rewritten to work from `page_src` (docs-relative).

    `page_of(repo_path)` names the page generated for a governed artifact, if any;
    `docs_dir` is the repository-relative docs folder (None when it is outside the repo).
    """
    linker = _Linker(artifact_path, page_src, page_of, docs_dir)
    result = Rebased("")
    out: list[str] = []
    for line, in_code in classify_lines(body.split("\n")):
        if in_code:
            out.append(line)
            continue
        line = _REFERENCE.sub(lambda m: _reference(m, linker, result), line)
        out.append(_INLINE.sub(lambda m: _inline(m, linker, result), line))
    result.text = "\n".join(out)
    return result


def _unwrap(target: str) -> tuple[str, bool]:
    if target.startswith("<") and target.endswith(">"):
        return target[1:-1], True
    return target, False


def _inline(match: re.Match[str], linker: _Linker, result: Rebased) -> str:
    target, angled = _unwrap(match.group("target"))
    rebased = linker.rebase(target)
    if rebased is None:
        result.outside.append(target)
        return match.group("text")
    wrapped = f"<{rebased}>" if angled else rebased
    return f"{match.group('bang')}[{match.group('text')}]({wrapped}{match.group('title') or ''})"


def _reference(match: re.Match[str], linker: _Linker, result: Rebased) -> str:
    target, angled = _unwrap(match.group("target"))
    rebased = linker.rebase(target)
    if rebased is None:
        # A definition cannot become text; left as written, MkDocs reports it.
        result.outside.append(target)
        return match.group(0)
    return match.group("head") + (f"<{rebased}>" if angled else rebased)
