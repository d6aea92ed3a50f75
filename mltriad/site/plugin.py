"""The `mltriad` MkDocs plugin: `plugins: [search, mltriad]` in a repository's mkdocs.yml.

On every build it checks the repository as `mltriad check` does and adds generated pages
(home, model cards, decision log, evaluation sets, sign-off matrix) under one folder of
the docs. Each blocking finding is logged as a warning, so `mkdocs build --strict` fails
with the finding's message while the pages show it to readers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel, file_sort_key
from mkdocs.structure.pages import Page
from mkdocs.utils import nest_paths

from mltriad.errors import MltriadError
from mltriad.policy import POLICY_PATH, find_root
from mltriad.site.collect import collect
from mltriad.site.navigation import listed_pages, triad_section
from mltriad.site.pages import render_pages
from mltriad.site.pages.common import Rendered
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site

log = get_plugin_logger(__name__)

DEFAULT_FOLDER = "triad"
DEFAULT_TITLE = "Triad"
ASSETS = ("triad.css", "triad.js")


class TriadConfig(base.Config):  # type: ignore[no-untyped-call]
    """Every option is optional: `plugins: [search, mltriad]` is a complete configuration."""

    folder = c.Optional(c.Type(str))
    title = c.Optional(c.Type(str))
    nav = c.Type(bool, default=True)
    root = c.Optional(c.Type(str))


class TriadPlugin(BasePlugin[TriadConfig]):  # type: ignore[no-untyped-call]
    """Generates the triad's pages from the repository's artifacts on every build."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self.site_map = SiteMap()
        self.root = Path.cwd()
        self.title = DEFAULT_TITLE
        self.pages: dict[str, Rendered] = {}

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Present so that MkDocs keeps one plugin instance across `mkdocs serve` rebuilds."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = repository_root(config, self.config.root)
        try:
            self.site = collect(self.root)
        except MltriadError as exc:
            raise PluginError(f"mltriad: {exc.render()}") from None
        settings = self.site.policy.site
        folder = self.config.folder or settings.get("folder") or DEFAULT_FOLDER
        self.title = self.config.title or settings.get("title") or DEFAULT_TITLE
        self.site_map = SiteMap(
            folder.strip("/"), config.use_directory_urls, docs_folder(config, self.root)
        )
        config.extra_css.append(self.site_map.stylesheet)
        config.extra_javascript.append(self.site_map.script)
        report_findings(self.site)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        site = self.site
        if site is None:
            return files
        taken = {f.src_uri for f in files}
        listed = listed_pages(site, self.site_map) if self.config.nav else set()
        self.pages = {}
        rendered = render_pages(site, self.site_map, self.title)
        # MkDocs converts pages in the order of `files`: the pages that wait for the
        # history's pass (git, in a thread) go last, so that it runs while the others do.
        for src, page in sorted(rendered.items(), key=lambda item: item[1].waits):
            if src in taken:
                log.warning(
                    f"{src} already exists in {config.docs_dir}, so the generated page is not "
                    "written; rename the file or set the plugin's `folder` option"
                )
                continue
            self.pages[src] = page
            for note in page.notes:
                log.info(note)
            inclusion = InclusionLevel.UNDEFINED if src in listed else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, src, content=page.markdown, inclusion=inclusion))
        for name in ASSETS:
            files.append(
                File.generated(config, f"{self.site_map.folder}/assets/{name}", content=asset(name))
            )
        if self.config.nav:
            config.nav = add_section(
                config.nav, files, self.site_map, triad_section(site, self.site_map, self.title)
            )
        return files

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Put the generated tables and charts in place of their placeholders."""
        generated = self.pages.get(page.file.src_uri)
        return generated.fill(html) if generated is not None else html

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        """Rebuild when an artifact or triad.yaml changes, not only the docs folder."""
        for path, recursive in watched_paths(self.root, self.site):
            server.watch(str(path), recursive=recursive)
        return server


def repository_root(config: MkDocsConfig, option: str | None) -> Path:
    """The folder of mkdocs.yml (or the `root` option, relative to it), or the repository
    above it that holds triad.yaml."""
    here = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    start = (here / option).resolve() if option else here
    return start if (start / POLICY_PATH).is_file() else find_root(start)


def docs_folder(config: MkDocsConfig, root: Path) -> str | None:
    """The docs folder relative to the repository root, or None when it lies outside."""
    relative = os.path.relpath(Path(config.docs_dir).resolve(), root)
    return None if relative.startswith("..") else Path(relative).as_posix()


def report_findings(site: Site) -> None:
    """Blocking findings as warnings (so --strict fails), the others as information."""
    for item in site.findings:
        message = f"{item.path}:{item.line}:{item.col}: {item.rule}: {item.message}"
        if item.blocks:
            log.warning(message)
        else:
            log.info(message)


def asset(name: str) -> str:
    return (resources.files("mltriad.site") / "assets" / name).read_text(encoding="utf-8")


def add_section(
    nav: list[Any] | None, files: Files, site_map: SiteMap, section: dict[str, Any]
) -> list[Any]:
    """The navigation with the triad's section added, unless it already names a triad page.

    Without a `nav` in mkdocs.yml the section follows the home page of MkDocs' own
    navigation; with one, it comes last.
    """
    prefix = site_map.folder + "/"
    if nav is not None:
        if _mentions(nav, prefix):
            return nav
        return [*nav, section]
    pages = sorted(files.documentation_pages(), key=file_sort_key)
    mine = [f.src_uri for f in pages if _in_nav(f) and not f.src_uri.startswith(prefix)]
    auto: list[Any] = nest_paths(mine)  # type: ignore[no-untyped-call]
    at = 1 if auto and auto[0] == "index.md" else 0
    return [*auto[:at], section, *auto[at:]]


def _in_nav(file: File) -> bool:
    return bool(file.inclusion.is_in_nav())  # type: ignore[no-untyped-call]


def _mentions(nav: Any, prefix: str) -> bool:
    if isinstance(nav, str):
        return nav.startswith(prefix)
    if isinstance(nav, dict):
        return any(_mentions(v, prefix) for v in nav.values())
    if isinstance(nav, list):
        return any(_mentions(v, prefix) for v in nav)
    return False


def watched_paths(root: Path, site: Site | None) -> list[tuple[Path, bool]]:
    """triad.yaml and the folders the policy's artifact globs start from."""
    paths: list[tuple[Path, bool]] = [(root / POLICY_PATH, False)]
    if site is None:
        return paths
    globs = [g for kind in site.policy.artifact_kinds for g in site.policy.globs(kind)]
    globs += sorted(site.policy.definition_files)
    globs.append(site.policy.signoff_dir)
    for pattern in globs:
        static = []
        for part in pattern.split("/"):
            if any(ch in part for ch in "*?["):
                break
            static.append(part)
        folder = root.joinpath(*static) if static else root
        if folder.is_file():
            folder = folder.parent
        if folder.exists():
            paths.append((folder, folder != root))
    return list(dict.fromkeys(paths))
