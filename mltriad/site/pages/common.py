"""Pieces every generated page shares: titles, badges, findings, sign-off cells."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mltriad.artifacts import Artifact, decision_number
from mltriad.findings import Finding, Severity
from mltriad.matrix import Cell, Row, State
from mltriad.policy import POLICY_PATH, DecisionRules
from mltriad.site.html import Column, Table, badge, bullet_list, esc, md_text, notice, tag
from mltriad.site.rebase import rebase_links
from mltriad.site.urls import SiteMap
from mltriad.site.views import Site, Verdict

_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SUPERSEDED = re.compile(r"^\s*superseded\b", re.IGNORECASE)

MODEL_STATUS_TONES = {
    "draft": "muted",
    "candidate": "info",
    "production": "good",
    "retired": "pending",
}
DECISION_STATUS_TONES = {
    "accepted": "good",
    "proposed": "info",
    "rejected": "bad",
    "deprecated": "pending",
    "superseded": "accent",
}
TARGET_MARKS = {
    "pass": ("✓ Pass", "good"),
    "fail": ("✗ Fail", "bad"),
    "missing": ("No result", "warn"),
    "stale": ("↻ Stale", "warn"),
}
SIGNOFF_MARKS = {
    "signed": ("✓ Signed", "good"),
    "stale": ("↻ Stale", "warn"),
    "missing": ("Missing", "pending"),
    "invalid": ("✗ Invalid", "bad"),
}
VERDICT_TONES = {
    "meets": "good",
    "fail": "bad",
    "stale": "warn",
    "missing": "warn",
    "none": "muted",
    "invalid": "bad",
}


_SLOT = '<div data-triad-slot="{}"></div>'
SLOT = re.compile(r'<div data-triad-slot="(\d+)"></div>')


@dataclass(frozen=True)
class Rendered:
    """A generated page: Markdown for MkDocs, with a placeholder for each HTML block.

    Tables of hundreds of rows cost Python-Markdown's raw-HTML parser seconds per build,
    so the blocks bypass Markdown and are put in place in the rendered page (`fill`).
    """

    markdown: str
    blocks: tuple[str | Callable[[], str], ...]
    notes: tuple[str, ...] = ()

    @property
    def waits(self) -> bool:
        """Whether a block is made only when the page is filled in (see `fill`)."""
        return any(not isinstance(block, str) for block in self.blocks)

    def fill(self, html: str) -> str:
        """Rendered HTML (or the Markdown itself) with every placeholder replaced; a block
        given as a function is made now (the history sections, which wait for git)."""
        return SLOT.sub(lambda m: _block(self.blocks[int(m.group(1))]), html)


def _block(block: str | Callable[[], str]) -> str:
    return block if isinstance(block, str) else block()


@dataclass
class Page:
    """A generated page assembled from headings, HTML blocks and Markdown text."""

    title: str
    parts: list[str] = field(default_factory=list)
    blocks: list[str | Callable[[], str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        self.parts.append(f"{'#' * level} {md_text(text)}")

    def html(self, block: str | Callable[[], str]) -> None:
        """An HTML block; a function is called when the page is filled in (`fill`)."""
        if block:
            self.parts.append(_SLOT.format(len(self.blocks)))
            self.blocks.append(block)

    def markdown(self, text: str) -> None:
        if text.strip():
            self.parts.append(text.strip("\n"))

    def render(self) -> Rendered:
        text = "\n\n".join([f"# {md_text(self.title)}", *self.parts]) + "\n"
        return Rendered(text, tuple(self.blocks), tuple(self.notes))


def split_title(body: str) -> tuple[str | None, str]:
    """The body's leading level-1 heading (if its first content is one) and the rest."""
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        match = _H1.match(line)
        if match:
            return match.group(1), "\n".join(lines[i + 1 :])
        break
    return None, body


def artifact_text(
    page: Page, site: Site, artifact: Artifact, site_map: SiteMap, source: str, label: str
) -> None:
    """The artifact's own Markdown, after the generated sections, without its title and
    with its relative links re-pointed for the site."""
    _, body = split_title(artifact.body)
    if not body.strip():
        return

    def page_of(path: str) -> str | None:
        kind = site.repo.kind_of(path)
        found = site.artifact(path) if kind else None
        return site_map.page_of(kind, path, found.id) if kind and found else None

    rebased = rebase_links(body, artifact.path, source, page_of, site_map.docs_dir)
    page.html(
        f'<p class="triad-divider">{esc(label)}'
        f' <span class="triad-muted">{esc(artifact.path)}</span></p>'
    )
    page.markdown(rebased.text)
    page.notes.extend(
        f"{artifact.path} links to {target}, which is not part of the site; "
        "the page shows the link's text"
        for target in rebased.outside
    )


def model_title(card: Artifact) -> str:
    title = card.data.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return split_title(card.body)[0] or card.id


def decision_label(record: Artifact) -> str:
    number = decision_number(record.path)
    return f"ADR-{number:04d}" if number is not None else record.stem


def decision_title(record: Artifact) -> str:
    title = record.data.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    heading = split_title(record.body)[0]
    return heading or record.stem.split("-", 1)[-1].replace("-", " ").capitalize()


def eval_set_title(eval_set: Artifact) -> str:
    title = eval_set.data.get("title")
    return title.strip() if isinstance(title, str) and title.strip() else eval_set.id


def glossary_title(part: Artifact) -> str:
    """A glossary file's title, its body's heading, or 'Glossary (PATH)'."""
    title = part.data.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return split_title(part.body)[0] or f"Glossary ({part.path})"


def decision_state(record: Artifact, statuses: DecisionRules) -> str:
    """The lifecycle state a filter groups by: accepted, proposed, superseded, ... ('On
    hold' and a team's own statuses count as the state triad.yaml gives them)."""
    status = record.data.get("status")
    if not isinstance(status, str) or not status.strip():
        return "unknown"
    if _SUPERSEDED.match(status) or record.data.get("superseded-by") not in (None, ""):
        return "superseded"
    return statuses.state_of(status) or status.strip().lower()


def status_badge(status: object, tones: dict[str, str], state: str | None = None) -> str:
    """The status as written, in the tone of its state (by default its first word)."""
    word = str(status).strip() if status not in (None, "") else "unknown"
    key = state or word.split()[0].lower()
    return badge(word.capitalize(), tones.get(key, "muted"))


def target_mark(state: str) -> str:
    label, tone = TARGET_MARKS.get(state, (state, "muted"))
    return badge(label, tone)


def verdict_badge(verdict: Verdict | None) -> str:
    if verdict is None:
        return badge("No targets", "muted")
    return badge(
        verdict.label, VERDICT_TONES.get(verdict.state, "muted"), title=verdict.text or None
    )


def signoff_mark(cell: Cell) -> str:
    label, tone = SIGNOFF_MARKS.get(cell.state.value, (cell.state.value, "muted"))
    return badge(label, tone, title=cell.reason or None)


def count(row: Row, state: State) -> int:
    return sum(1 for cell in row.cells if cell.state is state)


def signoff_summary(row: Row | None) -> str:
    """'3 of 3 signed' as a badge, naming stale and missing sign-offs."""
    if row is None or not row.cells:
        return badge("None required", "muted")
    total = len(row.cells)
    signed = count(row, State.SIGNED)
    if signed == total:
        return badge(f"✓ {signed} of {total} signed", "good")
    problems = [
        f"{count(row, s)} {s.value}"
        for s in (State.STALE, State.MISSING, State.INVALID)
        if count(row, s)
    ]
    tone = "bad" if count(row, State.INVALID) else "warn" if count(row, State.STALE) else "pending"
    return badge(f"{signed} of {total} signed", tone, title=", ".join(problems)) + tag(
        "span", esc(", ".join(problems)), class_="triad-sub"
    )


def signoff_detail(cell: Cell) -> str:
    """Who signed and when, or who may sign, under the mark."""
    if cell.state is State.MISSING:
        names = ", ".join(m.name for m in cell.may_sign) or "nobody yet"
        return tag("span", esc(f"may sign: {names}"), class_="triad-sub")
    if cell.state is State.INVALID and not cell.signer_name:
        return tag("span", esc(cell.reason), class_="triad-sub")
    when = (cell.date or "")[:10]
    if cell.state is State.STALE:
        when += " · an older version"
    lines = [esc(cell.signer_name or ""), tag("span", esc(when), class_="triad-nowrap")]
    if cell.state is State.INVALID:
        lines.append(esc(cell.reason))
    if cell.note:
        lines.append(tag("q", esc(cell.note), class_="triad-note"))
    return tag("span", "<br>".join(line for line in lines if line), class_="triad-sub")


def signoff_table(row: Row | None) -> str:
    """Each required role of one artifact with its sign-off state."""
    if row is None or not row.cells:
        return ""
    table = Table([Column("Role", nowrap=True), Column("Sign-off")], class_="triad-signoff-list")
    for cell in row.cells:
        table.add([esc(cell.role), signoff_mark(cell) + signoff_detail(cell)])
    return table.render()


def findings_notice(findings: Iterable[Finding], *, with_path: bool = False) -> str:
    """The problems `check` reports, boxed at the top of a page."""
    found = sorted(findings, key=lambda f: (f.path, f.line, f.col))
    if not found:
        return ""
    blocking = [f for f in found if f.blocks]
    items = [_finding_item(f, with_path) for f in found]
    if blocking:
        title = f"{len(blocking)} problem{'s' if len(blocking) != 1 else ''} found by mltriad check"
        tone = "bad"
    else:
        title = f"{len(found)} note{'s' if len(found) != 1 else ''} from mltriad check"
        tone = "warn" if any(f.severity is Severity.WARNING for f in found) else "info"
    return notice(tone, title, bullet_list(items, "triad-findings"))


def _finding_item(item: Finding, with_path: bool) -> str:
    where = f"{item.path}:{item.line}" if with_path else f"line {item.line}"
    severity = item.severity.value
    return (
        f"<code>{esc(where)}</code> {esc(item.message)} "
        f'<span class="triad-rule triad-rule--{severity}">{esc(item.rule)}</span>'
    )


def roles_text(roles: Iterable[str]) -> str:
    return ", ".join(esc(r) for r in roles)


def page_link(site_map: SiteMap, source: str, target: str, text: str) -> str:
    """A link from one generated page to another, its text escaped."""
    return tag("a", esc(text), href=site_map.href(source, target))


def document_title(document: Artifact) -> str:
    """A document's title field, else its body's heading, else its id."""
    title = document.data.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return split_title(document.body)[0] or document.id


def name_and_page(site: Site, site_map: SiteMap, path: str, kind: str) -> tuple[str, str | None]:
    """What a reader calls an artifact, and the generated page that shows it (if any)."""
    artifact = site.artifact(path)
    if kind == "policy":
        if path != POLICY_PATH:
            return f"Definition of a kind ({path})", None
        return "Roles and rules (triad.yaml)", None
    if artifact is None:
        return path, None
    if kind in site.policy.kinds:
        return document_title(artifact), site_map.kind_page(kind, artifact.id)
    if kind == "model-card":
        return model_title(artifact), site_map.model(artifact.id)
    if kind == "decision":
        return f"{decision_label(artifact)}: {decision_title(artifact)}", site_map.decision(path)
    if kind == "glossary":
        return glossary_title(artifact), site_map.glossary
    return eval_set_title(artifact), site_map.eval_set(artifact.id)
