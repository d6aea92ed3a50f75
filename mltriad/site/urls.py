"""Where each generated page lives, and relative links between pages.

Links inside raw HTML are not rewritten by MkDocs, so pages link with the URLs the
built site will have, under either setting of `use_directory_urls`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from mltriad.artifacts import stem


@dataclass(frozen=True)
class SiteMap:
    """Source paths (relative to docs_dir) of the generated pages.

    `docs_dir` is the docs folder relative to the repository root (None when it lies
    outside the repository), so that links from artifacts into it can be followed.
    """

    folder: str = "triad"
    use_directory_urls: bool = True
    docs_dir: str | None = "docs"

    @property
    def home(self) -> str:
        return f"{self.folder}/index.md"

    @property
    def decision_log(self) -> str:
        return f"{self.folder}/decisions/index.md"

    @property
    def eval_set_index(self) -> str:
        return f"{self.folder}/eval-sets/index.md"

    @property
    def signoffs(self) -> str:
        return f"{self.folder}/signoffs.md"

    @property
    def glossary(self) -> str:
        return f"{self.folder}/glossary.md"

    @property
    def stylesheet(self) -> str:
        return f"{self.folder}/assets/triad.css"

    @property
    def script(self) -> str:
        return f"{self.folder}/assets/triad.js"

    def model(self, model_id: str) -> str:
        return f"{self.folder}/models/{model_id}.md"

    def decision(self, path: str) -> str:
        return f"{self.folder}/decisions/{stem(path)}.md"

    def eval_set(self, set_id: str) -> str:
        return f"{self.folder}/eval-sets/{set_id}.md"

    def kind_index(self, kind: str) -> str:
        """The list of the documents of a team's own kind."""
        return f"{self.folder}/kinds/{kind}/index.md"

    def kind_page(self, kind: str, ident: str) -> str:
        return f"{self.folder}/kinds/{kind}/{ident}.md"

    def page_of(self, kind: str, path: str, ident: str) -> str | None:
        """The page that shows an artifact of `kind`, if there is one."""
        if kind == "model-card":
            return self.model(ident)
        if kind == "decision":
            return self.decision(path)
        if kind == "eval-set":
            return self.eval_set(ident)
        if kind == "glossary":
            return self.glossary
        if kind in ("policy", "signoff"):
            return None
        return self.kind_page(kind, ident)  # a kind of the team's own

    def href(self, source: str, target: str) -> str:
        """The relative URL from the page built from `source` to the page built from `target`."""
        here = self._directory(source)
        there = self._location(target)
        relative = posixpath.relpath(there or ".", here or ".")
        if self.use_directory_urls and target.endswith(".md"):
            return "./" if relative == "." else relative + "/"
        return relative

    def _location(self, src: str) -> str:
        """The URL path (from the site root) of a page or asset."""
        if not src.endswith(".md"):
            return src
        base = src[: -len(".md")]
        if self.use_directory_urls:
            if base == "index" or base.endswith("/index"):
                return base[: -len("index")].rstrip("/")
            return base
        return base + ".html"

    def _directory(self, src: str) -> str:
        """The folder of the URL a page is served at."""
        location = self._location(src)
        if self.use_directory_urls and src.endswith(".md"):
            return location
        return posixpath.dirname(location)
