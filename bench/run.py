"""mltriad's benchmarks: four ratios against a peer or a limit, measured in one run.

1. Bulk check: `mltriad check` on a repository of N artifacts versus check-jsonschema
   validating the same front matter (extracted to plain YAML files) against the same
   schemas. Goal: at least 5x faster at 2,000 artifacts, growing no worse than linearly.
2. Hook latency: `mltriad check` on one model card, as the pre-commit hook runs it,
   versus check-jsonschema on the same front matter; medians. Goal: at most half. And
   versus the floor, `python -c "import yaml"` on the same interpreter, timed in turn
   with both. Goal: at most 3x. One more run under `-X importtime` reports whether the
   hook imported git (GitPython), mkdocs or jsonschema, and how many mltriad modules.
3. Gate scaling: `mltriad gate` on a change of 50 artifacts over 1,000 versus 20,000
   commits of history. Goal: a ratio under 1.5.
4. Site: `mkdocs build` of the triad site for 500 artifacts versus a plain MkDocs site of
   500 hand-written pages. Goal: at most 1.5x.

Also where a bulk check's time goes (import, discover, read, parse, validate, rules, git,
render) and the floor: libyaml's C loader alone on the same YAML.

    python bench/run.py                 # default sizes: a few minutes on two cores
    python bench/run.py --quick         # tiny sizes, seconds: proves the scripts work
    python bench/run.py --only bulk,hook --sizes 500,5000

Generated repositories live under a temporary folder (or --workdir), removed at the end
unless --keep is given. Both tools run from compiled bytecode, as after `pip install`.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import generate
import history
from importtime import import_chain, imported_modules

BENCH = Path(__file__).resolve().parent
KINDS = ("policy", "model-card", "decision", "eval-set", "signoff")
FIGURES = ("bulk", "hook", "gate", "site")


@dataclass
class Settings:
    sizes: list[int]
    runs: int | None
    hook_runs: int
    commits: list[int]
    gate_size: int
    change: int
    gate_runs: int
    site_size: int
    site_runs: int
    only: set[str]
    workdir: Path
    keep: bool
    breakdown: bool
    kinds: int = 0

    def runs_for(self, size: int) -> int:
        """Medians of three where a run is quick; one run of the largest sizes."""
        return self.runs if self.runs is not None else (3 if size <= 5000 else 1)


@dataclass
class Row:
    figure: str
    ours: str
    peer: str
    ratio: str
    goal: str
    met: str


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    breakdowns: dict[int, dict[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    raw: dict[str, object] = field(default_factory=dict)
    hook_imports: dict[str, object] | None = None


# -- running things --------------------------------------------------------------------------
class Tools:
    """The executables under test, run with the same environment, from compiled bytecode."""

    def __init__(self, workdir: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        # Users run both tools from pip-installed, byte-compiled packages; an editable
        # checkout with PYTHONDONTWRITEBYTECODE would recompile mltriad on every start.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
        self.env.setdefault("GIT_CONFIG_NOSYSTEM", "1")

    @staticmethod
    def exe(name: str) -> str:
        beside = Path(sys.executable).parent / name
        found = str(beside) if beside.exists() else shutil.which(name)
        if found is None:
            raise SystemExit(f"run: error: `{name}` is not installed; pip install -e '.[test]'")
        return found

    def run(
        self, args: Sequence[str], cwd: Path, *, ok: Sequence[int] = (0,)
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            list(args), cwd=cwd, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode not in ok:
            tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
            raise RuntimeError(
                f"{' '.join(args[:3])} exited {result.returncode} in {cwd}:\n  " + "\n  ".join(tail)
            )
        return result

    def time(self, args: Sequence[str], cwd: Path, *, ok: Sequence[int] = (0,)) -> float:
        started = time.perf_counter()
        self.run(args, cwd, ok=ok)
        return time.perf_counter() - started


def interleaved(runs: int, *measures: Callable[[], float]) -> list[list[float]]:
    """`runs` samples of each measure, taken in turn, so that noise hits all of them alike."""
    samples: list[list[float]] = [[] for _ in measures]
    for _ in range(max(1, runs)):
        for sample, measure in zip(samples, measures, strict=True):
            sample.append(measure())
    return samples


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


# -- 1. bulk check ---------------------------------------------------------------------------
@dataclass
class BulkRepo:
    size: int
    root: Path
    extracted: Path
    by_kind: dict[str, list[str]]


def bulk_repo(settings: Settings, tools: Tools, size: int) -> BulkRepo:
    root = settings.workdir / f"bulk-{size}"
    extracted = settings.workdir / f"bulk-{size}-yaml"
    files = generate.generate(root, size, kinds=settings.kinds)
    by_kind = generate.extract(files, extracted)
    for kind in KINDS:
        text = tools.run([tools.exe("mltriad"), "schema", kind], root).stdout
        (extracted / f"{kind}.schema.json").write_text(text, encoding="utf-8")
    return BulkRepo(size, root, extracted, by_kind)


def peer_bulk(tools: Tools, repo: BulkRepo) -> float:
    """check-jsonschema over every file: one invocation per schema, as a CI job would."""
    total = 0.0
    for kind, files in repo.by_kind.items():
        if files:
            total += tools.time(
                [tools.exe("check-jsonschema"), "--schemafile", f"{kind}.schema.json", *files],
                repo.extracted,
            )
    return total


def bulk(settings: Settings, tools: Tools, first: BulkRepo, results: Results) -> None:
    measured: list[tuple[int, float, float]] = []
    for size in settings.sizes:
        repo = first if size == first.size else bulk_repo(settings, tools, size)
        check = [tools.exe("mltriad"), "check"]
        tools.run(check, repo.root)  # warms the caches, and the repository must check clean
        runs = settings.runs_for(size)
        samples = interleaved(
            runs,
            functools.partial(tools.time, check, repo.root),
            functools.partial(peer_bulk, tools, repo),
        )
        ours, peer = (statistics.median(sample) for sample in samples)
        measured.append((size, ours, peer))
        goal, met = (">= 5x", yes(peer / ours >= 5)) if repo is first else ("", "")
        results.rows.append(
            Row(
                f"1 bulk check, {size:,} artifacts (median of {runs})",
                seconds(ours),
                seconds(peer),
                f"{peer / ours:.1f}x faster",
                goal,
                met,
            )
        )
        if settings.breakdown:
            results.breakdowns[size] = breakdown(tools, repo.root)
        if repo is not first and not settings.keep:
            shutil.rmtree(repo.root)
            shutil.rmtree(repo.extracted)
    if len(measured) > 1:
        (small, t_small, _), (large, t_large, _) = measured[0], measured[-1]
        growth, scale = t_large / t_small, large / small
        results.rows.append(
            Row(
                f"1 growth {small:,} -> {large:,} artifacts ({scale:.0f}x)",
                f"{growth:.1f}x time",
                "",
                f"{growth / scale:.2f} of linear",
                "<= 1.00",
                yes(growth <= scale),
            )
        )
    results.raw["bulk"] = [{"size": s, "mltriad": o, "check-jsonschema": p} for s, o, p in measured]


def breakdown(tools: Tools, root: Path) -> dict[str, float]:
    """bench/phases.py in a fresh interpreter: seconds per phase, and libyaml's floor."""
    result = tools.run([sys.executable, str(BENCH / "phases.py"), str(root)], root)
    data = json.loads(result.stdout)
    phases: dict[str, float] = dict(data["phases"])
    phases["total"] = data["total"]
    phases["floor_read"] = data["floor_read"]
    phases["floor_libyaml"] = data["floor_libyaml"]
    return phases


# -- 2. hook latency -------------------------------------------------------------------------
FLOOR = ("-c", "import yaml")
HEAVY = ("git", "mkdocs", "jsonschema")


def hook(settings: Settings, tools: Tools, repo: BulkRepo, results: Results) -> None:
    card = sorted(p for p in repo.by_kind["model-card"])[0]
    source = card.split("/", 1)[1].rsplit(".", 1)[0].replace("__", "/") + ".md"
    ours_cmd = [tools.exe("mltriad"), "check", source]
    peer_cmd = [tools.exe("check-jsonschema"), "--schemafile", "model-card.schema.json", card]
    # The floor: the same interpreter starting and importing PyYAML, nothing else. The
    # console script runs on the interpreter beside it, the one running this benchmark.
    floor_cmd = [sys.executable, *FLOOR]
    tools.run(ours_cmd, repo.root)
    tools.run(peer_cmd, repo.extracted)
    tools.run(floor_cmd, repo.root)
    ours, peer, floor = interleaved(
        settings.hook_runs,
        functools.partial(tools.time, ours_cmd, repo.root),
        functools.partial(tools.time, peer_cmd, repo.extracted),
        functools.partial(tools.time, floor_cmd, repo.root),
    )
    o, p, f = (statistics.median(sample) for sample in (ours, peer, floor))
    label = f"2 hook, one model card in {repo.size:,} (median of {settings.hook_runs})"
    results.rows.append(
        Row(label, seconds(o), seconds(p), f"{o / p:.2f} of peer", "<= 0.50", yes(o / p <= 0.5))
    )
    results.rows.append(
        Row(
            f'2 hook over the floor, `python -c "import yaml"` (median of {settings.hook_runs})',
            seconds(o),
            seconds(f),
            f"{o / f:.1f}x floor",
            "<= 3x",
            yes(o / f <= 3),
        )
    )
    imports = hook_imports(tools, ours_cmd, repo.root)
    results.hook_imports = imports
    results.raw["hook"] = {
        "mltriad": ours,
        "check-jsonschema": peer,
        "floor": floor,
        "floor_command": [Path(sys.executable).name, *FLOOR],
        "ratio_to_peer": o / p,
        "ratio_to_floor": o / f,
        "imports": imports,
    }


def hook_imports(tools: Tools, command: Sequence[str], cwd: Path) -> dict[str, object]:
    """What the hook command imports on a valid card: one run under `-X importtime`.

    Returns whether each heavy module was imported, with the chain of imports that
    pulled it in (the module itself first), and how many modules were imported.
    """
    env = {**tools.env, "PYTHONPROFILEIMPORTTIME": "1"}
    result = subprocess.run(
        list(command), cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:3])} exited {result.returncode} in {cwd}")
    imported = imported_modules(result.stderr)
    names = [name for name, _ in imported]
    heavy: dict[str, list[str] | None] = {}
    for module in HEAVY:
        at = next((i for i, (name, _) in enumerate(imported) if name == module), None)
        heavy[module] = None if at is None else import_chain(imported, at)
    return {
        "heavy": heavy,
        "mltriad_modules": sum(1 for n in names if n == "mltriad" or n.startswith("mltriad.")),
        "modules": len(names),
    }


def imports_summary(imports: dict[str, object]) -> list[str]:
    heavy = imports["heavy"]
    assert isinstance(heavy, dict)
    pulled = {module: chain for module, chain in heavy.items() if chain}
    lines = [
        "Hook imports (`mltriad check` on one valid model card, run once with -X importtime; "
        f"goal: none of {', '.join(HEAVY)}): "
        + ", ".join(f"{m} {'YES' if heavy[m] else 'no'}" for m in HEAVY)
        + f"; {imports['mltriad_modules']} mltriad modules, {imports['modules']} modules in all"
        + f"; met: {yes(not pulled)}"
    ]
    for module, chain in pulled.items():
        # A module imported inside a function, once the command runs, is listed at the top.
        how = " <- ".join(chain) if len(chain) > 1 else f"{module}, at run time (in a function)"
        lines.append(f"  {module} imported by: {how}")
    return lines


# -- 3. gate scaling -------------------------------------------------------------------------
def gate_available(tools: Tools) -> bool:
    probe = subprocess.run(
        [tools.exe("mltriad"), "gate", "--help"], env=tools.env, capture_output=True, check=False
    )
    return probe.returncode == 0


def gate(settings: Settings, tools: Tools, results: Results) -> None:
    label = (
        f"3 gate, {settings.change} changed, {settings.commits[0]:,} vs "
        f"{settings.commits[-1]:,} commits"
    )
    if not gate_available(tools):
        results.rows.append(Row(label, "not run", "", "", "< 1.50", "n/a"))
        results.notes.append(
            "gate: `mltriad gate` is not available in this installation, so the "
            "gate-scaling figure was not measured."
        )
        return
    command = [tools.exe("mltriad"), "gate", "--base", "main", "--head", "change"]
    roots: list[Path] = []
    outcomes: list[str] = []
    for commits in settings.commits:
        root = settings.workdir / f"gate-{commits}"
        root.mkdir()
        history.build(root, settings.gate_size, commits, settings.change)
        roots.append(root)
    for commits, root in zip(settings.commits, roots, strict=True):
        first = tools.run(command, root, ok=(0, 1))  # warms the caches; says what it decided
        outcomes.append("passed" if first.returncode == 0 else "blocked")
        if first.returncode != 0:
            results.notes.append(
                f"gate over {commits:,} commits blocked the change:\n    "
                + "\n    ".join(first.stdout.strip().splitlines()[-6:])
            )
    runs = interleaved(
        settings.gate_runs, *(functools.partial(tools.time, command, r, ok=(0, 1)) for r in roots)
    )
    timings = [statistics.median(measured) for measured in runs]
    if not settings.keep:
        for root in roots:
            shutil.rmtree(root)
    ratio = timings[-1] / timings[0]
    results.rows.append(
        Row(
            f"{label} (median of {settings.gate_runs}, {'/'.join(outcomes)})",
            f"{seconds(timings[0])} / {seconds(timings[-1])}",
            "",
            f"{ratio:.2f}",
            "< 1.50",
            yes(ratio < 1.5),
        )
    )
    results.raw["gate"] = {"commits": settings.commits, "seconds": timings, "outcomes": outcomes}


# -- 4. site ---------------------------------------------------------------------------------
def plugin_available() -> bool:
    for entry in metadata.entry_points(group="mkdocs.plugins"):
        if entry.name == "mltriad":
            try:
                entry.load()
            except Exception:  # a plugin that cannot load is not ready to be measured
                return False
            return True
    return False


def site(settings: Settings, tools: Tools, results: Results) -> None:
    label = f"4 site, {settings.site_size} artifacts vs {settings.site_size} plain pages"
    if not plugin_available():
        results.rows.append(Row(label, "not run", "", "", "<= 1.50", "n/a"))
        results.notes.append(
            "site: the mltriad MkDocs plugin is not installed or does not load, so "
            "the site figure was not measured."
        )
        return
    triad = settings.workdir / "site-triad"
    plain = settings.workdir / "site-plain"
    files = generate.generate(triad, settings.site_size)
    generate.site_config(triad)
    plain.mkdir()
    generate.plain_site(files, plain)
    mkdocs = tools.exe("mkdocs")
    build = [mkdocs, "build", "--quiet", "--clean", "--site-dir"]
    tools.run([*build, str(settings.workdir / "out-triad")], triad)
    tools.run([*build, str(settings.workdir / "out-plain")], plain)
    ours, peer = interleaved(
        settings.site_runs,
        functools.partial(tools.time, [*build, str(settings.workdir / "out-triad")], triad),
        functools.partial(tools.time, [*build, str(settings.workdir / "out-plain")], plain),
    )
    o, p = statistics.median(ours), statistics.median(peer)
    pages = {
        name: sum(1 for _ in (settings.workdir / f"out-{name}").rglob("*.html"))
        for name in ("triad", "plain")
    }
    results.rows.append(
        Row(
            f"{label} (median of {settings.site_runs}; {pages['triad']} vs {pages['plain']} pages built)",
            seconds(o),
            seconds(p),
            f"{o / p:.2f}x",
            "<= 1.50",
            yes(o / p <= 1.5),
        )
    )
    results.raw["site"] = {"mltriad": ours, "plain": peer, "pages": pages}


# -- the report ------------------------------------------------------------------------------
def yes(met: bool) -> str:
    return "yes" if met else "NO"


def version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def machine() -> str:
    import yaml

    libyaml = "without libyaml"
    if yaml.__with_libyaml__:
        from yaml import _yaml

        libyaml = f"libyaml {_yaml.get_version_string()}"
    git = subprocess.run(
        ["git", "--version"], capture_output=True, text=True, check=False
    ).stdout.split()[-1]
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{os.cpu_count()} cores ({usable} usable), load {load}; {platform.system()} "
        f"{platform.machine()}; Python {platform.python_version()}; mltriad {version('mltriad')}; "
        f"check-jsonschema {version('check-jsonschema')}; jsonschema {version('jsonschema')}; "
        f"PyYAML {version('PyYAML')} ({libyaml}); MkDocs {version('mkdocs')}; git {git}"
    )


def table(rows: list[Row]) -> str:
    header = Row("figure", "mltriad", "peer / limit", "ratio", "goal", "met")
    cells = [[r.figure, r.ours, r.peer, r.ratio, r.goal, r.met] for r in (header, *rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(6)]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(6)).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def breakdown_table(breakdowns: dict[int, dict[str, float]]) -> str:
    phases = (
        "import",
        "discover",
        "read",
        "parse",
        "validate",
        "rules",
        "git",
        "render",
        "other",
        "total",
    )
    lines = ["artifacts  " + "  ".join(f"{p:>8}" for p in phases) + "  | floor: read  libyaml"]
    for size, data in breakdowns.items():
        cells = "  ".join(f"{data.get(p, 0.0) * 1000:>6.0f}ms" for p in phases)
        lines.append(
            f"{size:>9,}  {cells}  |  {data['floor_read'] * 1000:>8.0f}ms {data['floor_libyaml'] * 1000:>6.0f}ms"
        )
    return "\n".join(lines)


def report(results: Results, started: float, conditions: str) -> str:
    out = [
        f"mltriad benchmarks ({time.strftime('%Y-%m-%d %H:%M')}, {time.perf_counter() - started:.0f} s)",
        conditions,
        "",
        table(results.rows),
    ]
    if results.hook_imports is not None:
        out += ["", *imports_summary(results.hook_imports)]
    if results.breakdowns:
        out += [
            "",
            "Where a bulk check's time goes (in process, exclusive per phase; "
            "floor = reading the files, and libyaml's C loader alone on their YAML):",
            breakdown_table(results.breakdowns),
        ]
    if results.notes:
        out += ["", *(f"note: {n}" for n in results.notes)]
    return "\n".join(out)


# -- command line ----------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test in seconds")
    parser.add_argument("--sizes", help="artifact counts for the bulk check (default 2000,20000)")
    parser.add_argument("--runs", type=int, help="runs per bulk figure (default 3, 1 above 5,000)")
    parser.add_argument("--hook-runs", type=int, help="runs of the hook figure (default 15)")
    parser.add_argument("--commits", help="history lengths for the gate (default 1000,20000)")
    parser.add_argument(
        "--gate-size", type=int, help="artifacts in the gate's repository (default 2000)"
    )
    parser.add_argument(
        "--change", type=int, help="artifacts the gated change touches (default 50)"
    )
    parser.add_argument("--site-size", type=int, help="artifacts in the site (default 500)")
    parser.add_argument("--only", help=f"comma-separated figures to run: {','.join(FIGURES)}")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the time breakdown")
    parser.add_argument(
        "--workdir", type=Path, help="where to generate repositories (default: a new temp dir)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated repositories")
    parser.add_argument(
        "--kinds",
        type=int,
        default=0,
        help="kinds of the team's own declared in the bulk and hook repositories (default 0)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="also write the raw figures as JSON"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    only = set((args.only or ",".join(FIGURES)).split(","))
    if only - set(FIGURES):
        parser.error(f"--only takes {', '.join(FIGURES)}")
    if args.workdir is not None and args.workdir.exists() and any(args.workdir.iterdir()):
        parser.error(f"--workdir {args.workdir} is not empty; pass a new or empty folder")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="mltriad-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        sizes=[int(s) for s in (args.sizes or ("40,200" if quick else "2000,20000")).split(",")],
        runs=args.runs if args.runs is not None else (1 if quick else None),
        hook_runs=args.hook_runs or (3 if quick else 15),
        commits=[
            int(c) for c in (args.commits or ("20,100" if quick else "1000,20000")).split(",")
        ],
        gate_size=args.gate_size or (40 if quick else 2000),
        change=args.change or (6 if quick else 50),
        gate_runs=1 if quick else 9,
        site_size=args.site_size or (20 if quick else 500),
        site_runs=1 if quick else 3,
        only=only,
        workdir=workdir,
        keep=args.keep,
        breakdown=not args.no_breakdown,
        kinds=args.kinds,
    )
    return settings, args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse_args(argv)
    started = time.perf_counter()
    conditions = machine()
    tools = Tools(settings.workdir)
    results = Results()
    try:
        if settings.only & {"bulk", "hook"}:
            first = bulk_repo(settings, tools, settings.sizes[0])
            peer_bulk(tools, first)  # compiles both tools' bytecode before anything is timed
            if "bulk" in settings.only:
                bulk(settings, tools, first, results)
            if "hook" in settings.only:
                hook(settings, tools, first, results)
        if "gate" in settings.only:
            gate(settings, tools, results)
        if "site" in settings.only:
            site(settings, tools, results)
    finally:
        if not settings.keep and args.workdir is None:
            shutil.rmtree(settings.workdir, ignore_errors=True)
    print(
        report(
            results,
            started,
            conditions + f"; load after {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        )
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "conditions": conditions,
                    "rows": [vars(r) for r in results.rows],
                    "breakdown": results.breakdowns,
                    "raw": results.raw,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
