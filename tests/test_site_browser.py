"""The triad site as a reader sees it: built with `mkdocs build --strict`, served as static
files, and opened in headless Chromium driven over the DevTools protocol (pipe transport,
standard library only). Skipped when Chromium is not installed."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import json
import os
import select
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, private_home
from tests.helpers.site import build, demo_template, material_installed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT = 30.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]


_NAVIGATING = (
    "navigated or closed",
    "Execution context was destroyed",
    "Cannot find context",
    "Cannot find default execution context",
)


class BrowserError(Exception):
    pass


class Browser:
    """Headless Chromium, spoken to over --remote-debugging-pipe (fds 3 and 4)."""

    def __init__(self, profile: Path) -> None:
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()

        def wire() -> None:  # in the child: the pipes become fds 3 (commands) and 4 (replies)
            inbound = fcntl.fcntl(to_child, fcntl.F_DUPFD, 10)
            outbound = fcntl.fcntl(from_child, fcntl.F_DUPFD, 10)
            os.dup2(inbound, 3)
            os.dup2(outbound, 4)

        assert CHROMIUM is not None
        self._process = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            preexec_fn=wire,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.call("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.events.append(reply)

    def wait_event(self, method: str, session: str, since: int = 0) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        index = since
        while True:
            while index < len(self.events):
                event = self.events[index]
                index += 1
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            self.events.append(self._receive(deadline))

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(remaining, 0))
            if not ready:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def tab(self, width: int = 1280, height: int = 900) -> Tab:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, session["sessionId"])
        for domain in ("Page", "Runtime", "Log"):
            tab.call(f"{domain}.enable")
        tab.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        return tab


class Tab:
    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session
        self._mark = 0

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, self.session)

    def goto(self, url: str) -> None:
        self._mark = len(self.browser.events)
        navigation = self.call("Page.navigate", {"url": url})
        if "errorText" in navigation:
            raise BrowserError(f"{url}: {navigation['errorText']}")
        if navigation.get("loaderId"):  # a fragment change loads nothing
            self.browser.wait_event("Page.loadEventFired", self.session, self._mark)
        self.wait_for("document.readyState === 'complete'")

    def eval(self, expression: str) -> Any:
        reply = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise BrowserError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, expression: str) -> Any:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                value = self.eval(expression)
            except BrowserError as error:
                # A page that is navigating has no context to evaluate in yet: ask again.
                if not any(t in str(error) for t in _NAVIGATING):
                    raise
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise BrowserError(f"timed out waiting for {expression}")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads since the last navigation."""
        found = []
        for event in self.browser.events[self._mark :]:
            if event.get("sessionId") != self.session:
                continue
            params = event.get("params", {})
            method = event.get("method")
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")
        return found

    def text(self, selector: str) -> str:
        value = self.eval(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText")
        return value or ""

    def screenshot(self, path: Path) -> None:
        height = self.eval("Math.ceil(document.documentElement.scrollHeight)")
        width = self.eval("document.documentElement.clientWidth")
        shot = self.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            },
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.close()


def serve(site_dir: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module", params=["mkdocs", "material"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(theme, base URL) of the example repository's site, built strictly and served."""
    theme = request.param
    if theme == "material" and not material_installed():
        pytest.skip("mkdocs-material is not installed")
    with private_home(tmp_path_factory):
        repo = tmp_path_factory.mktemp(f"site-{theme}") / "demo"
        shutil.copytree(demo_template(tmp_path_factory), repo, symlinks=True)
        result = build(repo, theme=theme, strict=True)
    assert result.returncode == 0, result.stderr
    server, url = serve(repo / "site")
    try:
        yield theme, url
    finally:
        server.shutdown()
        server.server_close()


def visit(browser: Browser, url: str, width: int = 1280) -> Tab:
    tab = browser.tab(width=width)
    tab.goto(url)
    return tab


def assert_clean(tab: Tab, where: str = "") -> None:
    """No console error, uncaught exception or failed load on the page."""
    errors = tab.errors()
    assert not errors, f"{where}\n" + "\n".join(errors)


def rows(tab: Tab, selector: str) -> list[list[str]]:
    """The visible rows of a table, as the text of each cell."""
    script = f"""Array.from(document.querySelectorAll({json.dumps(selector + " tbody tr")}))
        .filter(row => row.offsetParent !== null)
        .map(row => Array.from(row.cells).map(cell => cell.innerText.trim()))"""
    found: list[list[str]] = tab.eval(script)
    return found


def test_model_page_marks_each_target_pass_or_fail(browser: Browser, site: tuple[str, str]) -> None:
    theme, url = site
    tab = visit(browser, url + "triad/models/churn-predictor/")
    assert tab.text("h1") == "Subscription churn predictor"
    targets = [
        tuple(cell.splitlines()[0] for cell in (r[0], r[2], r[3], r[4]))
        for r in rows(tab, "table.triad-targets")
    ]
    assert tab.text("p.triad-caption") == "Measured on the evaluation set churn-holdout."
    assert targets == [
        ("auc", "≥ 0.80", "0.83", "✓ Pass"),
        ("recall", "≥ 0.70", "0.62", "✗ Fail"),
        ("precision", "≥ 0.4", "not measured", "No result"),
    ]
    fail_colour = tab.eval(
        "getComputedStyle(document.querySelector('tr[data-status=fail] .triad-badge')).color"
    )
    pass_colour = tab.eval(
        "getComputedStyle(document.querySelector('tr[data-status=pass] .triad-badge')).color"
    )
    assert fail_colour != pass_colour
    assert_clean(tab)
    tab.screenshot(ARTIFACTS / f"site-{theme}-model.png")


def test_decision_log_lists_every_record_and_filters_by_status(
    browser: Browser, site: tuple[str, str]
) -> None:
    url = site[1]
    tab = visit(browser, url + "triad/decisions/")
    listed = [(r[0], r[1], r[2]) for r in rows(tab, "table.triad-log")]
    assert listed == [
        ("0001", "Use logistic regression for the first fraud model", "Superseded by 0002"),
        ("0002", "Use gradient boosting for the fraud model", "Accepted"),
        ("0003", "Retrain the churn model monthly", "Proposed"),
    ]
    tab.eval("document.querySelector('.triad-filter button[data-status=proposed]').click()")
    assert [r[0] for r in rows(tab, "table.triad-log")] == ["0003"]
    assert tab.eval("location.hash") == "#status=proposed"
    tab.eval("document.querySelector('.triad-filter button[data-status=all]').click()")
    assert len(rows(tab, "table.triad-log")) == 3
    assert tab.eval("document.querySelectorAll('svg.triad-graph a.triad-node').length") == 2
    assert_clean(tab)
    linked = visit(browser, url + "triad/decisions/#status=superseded")
    assert [r[0] for r in rows(linked, "table.triad-log")] == ["0001"]


def test_signoff_matrix_shows_a_stale_signoff_as_stale(
    browser: Browser, site: tuple[str, str]
) -> None:
    theme, url = site
    tab = visit(browser, url + "triad/signoffs/")
    head = tab.eval(
        "Array.from(document.querySelectorAll('table.triad-matrix')[1]"
        ".tHead.rows[0].cells).map(c => c.innerText.trim().toLowerCase())"
    )
    assert head == ["artifact", "ml-engineer", "product-manager", "domain-expert"]
    matrix = {
        r[0].splitlines()[-1]: [c.splitlines() for c in r[1:]]
        for r in rows(tab, "table.triad-matrix")
    }
    decision = matrix["decisions/0002-use-gradient-boosting.md"]
    assert decision[0][:2] == ["↻ Stale", "Ada Lovelace"]
    assert decision[0][2].endswith(" · an older version")
    assert decision[1][:2] == ["↻ Stale", "Grace Hopper"]
    assert decision[2] == ["Missing", "may sign: Katherine Johnson"]
    card = matrix["model-cards/fraud-detector.md"]
    assert [cell[0] for cell in card] == ["✓ Signed"] * 3
    assert [c[0] for c in matrix["eval-sets/fraud-holdout.yaml"]] == ["✓ Signed"] * 2
    lead = tab.text("p.triad-lead")
    assert (
        lead.startswith("As of commit ") and "2 of 11 artifacts fully signed" in lead
    )  # the example kinds' two unsigned
    assert_clean(tab)
    tab.screenshot(ARTIFACTS / f"site-{theme}-signoffs.png")


def test_every_link_between_pages_leads_to_a_page(browser: Browser, site: tuple[str, str]) -> None:
    url = site[1]
    tab = visit(browser, url + "triad/")
    queue, seen = [url + "triad/"], set()
    while queue:
        page = queue.pop()
        if page in seen:
            continue
        seen.add(page)
        tab.goto(page)
        assert_clean(tab, page)
        assert tab.eval("document.querySelector('h1') !== null"), page
        links = tab.eval(
            "Array.from(document.querySelectorAll('a[href]'))"
            ".map(a => new URL(a.getAttribute('href'), location.href).href)"
        )
        for link in links:
            target = link.split("#", 1)[0]
            if target.startswith(url + "triad/") and target not in seen:
                status = tab.eval(f"fetch({json.dumps(target)}).then(r => r.status)")
                assert status == 200, f"{page} links to {link} ({status})"
                queue.append(target)
    assert len(seen) == 16  # 12, and the pages of the example's two kinds


def test_a_metric_links_to_its_definition_which_shows_on_hover(
    browser: Browser, site: tuple[str, str]
) -> None:
    theme, url = site
    tab = visit(browser, url + "triad/models/churn-predictor/")
    link = "document.querySelector('table.triad-targets a.triad-term-link')"
    assert tab.eval(f"{link}.innerText") == "auc"
    assert tab.eval(f"{link}.title") == (
        "How well the score ranks subscribers who cancel above those who stay. "
        "(higher is better; ratio (0.5 is chance, 1 is perfect))"
    )
    tab.eval(f"{link}.click()")
    tab.wait_for("location.hash === '#term-auc' && document.querySelector('h1') !== null")
    assert tab.text("h1") == "Glossary"
    # The browser scrolls to the entry and marks it as the target (the CSS highlights it).
    tab.wait_for("document.querySelector('dt:target') !== null")
    assert tab.eval("document.querySelector('dt:target').id") == "term-auc"
    names = tab.eval(
        "Array.from(document.querySelectorAll('dl.triad-glossary dt .triad-term__name'))"
        ".map(e => e.innerText)"
    )
    assert names[:4] == ["auc", "false_positive_rate", "precision", "recall"]
    assert "new merchant" in names
    assert_clean(tab)
    tab.goto(url + "triad/glossary/")
    tab.screenshot(ARTIFACTS / f"site-{theme}-glossary.png")


def test_model_page_is_reached_from_home_by_a_click(
    browser: Browser, site: tuple[str, str]
) -> None:
    url = site[1]
    tab = visit(browser, url + "triad/")
    models = rows(tab, "table.triad-models")
    assert [m[0] for m in models] == ["Card-payment fraud detector", "Subscription churn predictor"]
    assert models[0][3] == "Meets targets" and models[1][3].startswith("Misses targets")
    tab.eval("document.querySelector('table.triad-models a').click()")
    tab.wait_for(
        "document.querySelector('h1') && "
        "document.querySelector('h1').innerText === 'Card-payment fraud detector'"
    )
    assert_clean(tab)


def test_search_finds_generated_pages(browser: Browser, site: tuple[str, str]) -> None:
    theme, url = site
    tab = visit(browser, url + "triad/?q=churn")  # both themes run a search given in ?q=
    results = (
        "document.getElementById('mkdocs-search-results')"
        if theme == "mkdocs"
        else "document.querySelector('.md-search-result__list')"
    )
    found = tab.wait_for(
        f"(({results} || {{}}).textContent || '').includes("
        f"'Subscription churn predictor') && {results}.textContent"
    )
    assert "Retrain the churn model monthly" in found
    assert_clean(tab)


# Each theme's dark mode. Material's palette stylesheet ships with every site but is only
# linked when mkdocs.yml names a palette: the test links it, as such a site would.
DARK = {
    "mkdocs": "document.documentElement.setAttribute('data-bs-theme', 'dark')",
    "material": """(async () => {
        const base = new URL('../../../assets/stylesheets/', location.href);
        const listing = await (await fetch(base)).text();
        const name = listing.match(/palette\\.[0-9a-f]+\\.min\\.css(?!\\.map)/)[0];
        await new Promise((loaded, failed) => {
            const link = document.createElement('link');
            link.rel = 'stylesheet';
            link.href = new URL(name, base).href;
            link.onload = loaded;
            link.onerror = failed;
            document.head.appendChild(link);
        });
        document.body.setAttribute('data-md-color-scheme', 'slate');
        return true;
    })()""",
}


def _history_colours(tab: Tab) -> dict[str, str]:
    script = """(() => {
        const style = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
        return {
            bar: style('.triad-history-figure .triad-trend__bar', 'stroke'),
            goal: style('.triad-history-figure .triad-trend__goal', 'strokeDasharray'),
            fail: style('.triad-history-figure .triad-point--fail .triad-point__dot', 'fill'),
            pass: style('.triad-history-figure .triad-point--pass .triad-point__dot', 'fill'),
            text: style('.triad-history-figure .triad-trend__label', 'fill'),
            page: getComputedStyle(document.body).backgroundColor,
        };
    })()"""
    found: dict[str, str] = tab.eval(script)
    return found


def test_model_page_charts_each_target_across_versions_in_both_themes(
    browser: Browser, site: tuple[str, str]
) -> None:
    theme, url = site
    tab = visit(browser, url + "triad/models/fraud-detector/")
    charts = tab.eval(
        "Array.from(document.querySelectorAll('.triad-history-figure')).map(f => "
        "[f.querySelector('.triad-figure__title').innerText, "
        "f.querySelectorAll('svg.triad-trend .triad-point').length, "
        "f.querySelector('svg.triad-trend').getBoundingClientRect().width])"
    )
    titles = [c[0] for c in charts]
    assert titles == [
        "recall on new-merchants",
        "precision on fraud-holdout",
        "false_positive_rate on production-sample",
    ]
    assert all(points == 4 and width > 300 for _, points, width in charts)
    # The table beside each chart gives a reader without the picture the same values.
    table = rows(tab, ".triad-history-figure table.triad-history")
    assert [r[1] for r in table[:4]] == ["0.7400", "0.7800", "0.8300", "0.8723"]
    assert table[5][2] == "↻ Stale"
    light = _history_colours(tab)
    assert light["goal"] not in ("none", "") and light["fail"] != light["pass"]
    # the card's confusion counts: each of the three slices and the whole set
    assert tab.eval("document.querySelectorAll('svg.triad-counts').length") == 4
    assert_clean(tab)
    tab.screenshot(ARTIFACTS / f"site-{theme}-history-light.png")
    tab.eval(DARK[theme])
    dark = _history_colours(tab)
    assert dark["page"] != light["page"] and dark["text"] != light["text"]
    assert dark["bar"] != light["bar"]  # the dark palette's red
    tab.screenshot(ARTIFACTS / f"site-{theme}-history-dark.png")
