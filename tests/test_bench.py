"""Smoke tests of the benchmark scripts at tiny sizes: they run end to end and print their
figures. Nothing here asserts a time; machines are too noisy for that."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, git, run

BENCH = ROOT / "bench"
PHASES = ("import", "discover", "read", "parse", "validate", "rules", "git", "render", "other")


def script(name: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / name), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def peer() -> str | None:
    beside = Path(sys.executable).parent / "check-jsonschema"
    return str(beside) if beside.exists() else shutil.which("check-jsonschema")


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    result = script(
        "generate.py", str(tmp_path / "repo"), "--size", "30", "--extract", str(tmp_path / "yaml")
    )
    assert result.returncode == 0, result.stderr
    assert "6 model-card, 6 eval-set, 6 decision, 12 signoff" in result.stdout
    return tmp_path


def test_generated_repository_checks_clean(generated: Path) -> None:
    result = run(["check", "--format", "json"], generated / "repo")
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout
    assert report["findings"] == []
    assert report["summary"]["files"] == 31  # 30 artifacts and triad.yaml


def test_generated_artifacts_are_realistic(generated: Path) -> None:
    repo = generated / "repo"
    card = next((repo / "model-cards").glob("*.md")).read_text(encoding="utf-8")
    for field in (
        "targets:",
        "results:",
        "eval_set_digest: sha256:",
        "failure_modes:",
        "owners:",
        "## Intended use",
        "## Limitations",
    ):
        assert field in card
    eval_set = next((repo / "eval-sets").glob("*.yaml")).read_text(encoding="utf-8")
    assert "source: production" in eval_set and "sha256:" in eval_set
    assert "supersedes:" in "".join(
        p.read_text(encoding="utf-8") for p in (repo / "decisions").glob("*.md")
    )
    assert len(list((repo / "signoffs").rglob("*.yaml"))) == 12


def test_generation_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert script("generate.py", str(tmp_path / name), "--size", "12").returncode == 0
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert files
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )


@pytest.mark.skipif(peer() is None, reason="check-jsonschema is not installed")
def test_extracted_front_matter_passes_the_peer(generated: Path) -> None:
    extracted = generated / "yaml"
    for kind in ("model-card", "decision", "eval-set", "signoff", "policy"):
        schema = extracted / f"{kind}.schema.json"
        schema.write_text(run(["schema", kind], generated).stdout, encoding="utf-8")
        files = sorted(str(p) for p in (extracted / kind).glob("*.yaml"))
        assert files
        result = subprocess.run(
            [str(peer()), "--schemafile", str(schema), *files],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_generator_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = script("generate.py", str(tmp_path), "--size", "10")
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_plain_site_has_one_page_per_artifact(tmp_path: Path) -> None:
    result = script("generate.py", str(tmp_path / "plain"), "--size", "20", "--plain-site")
    assert result.returncode == 0, result.stderr
    pages = [p for p in (tmp_path / "plain" / "docs").rglob("*.md") if p.name != "index.md"]
    assert len(pages) == 20
    assert "plugins: [search]" in (tmp_path / "plain" / "mkdocs.yml").read_text(encoding="utf-8")


def test_history_is_written_with_fast_import(tmp_path: Path) -> None:
    repo = tmp_path / "history"
    result = script("history.py", str(repo), "--size", "20", "--commits", "60", "--change", "4")
    assert result.returncode == 0, result.stderr
    assert git(repo, "rev-list", "--count", "main").strip() == "60"
    authors = set(git(repo, "log", "--format=%ae", "main..change").split())
    assert len(authors) >= 3  # the editor and at least one signer per required role
    assert (
        git(repo, "diff", "--name-only", "main...change", "--", "model-cards", "decisions").split()
        != []
    )
    assert run(["check"], repo).returncode == 0


def test_gate_passes_the_generated_change(tmp_path: Path) -> None:
    repo = tmp_path / "history"
    # 60 commits revise and re-sign every card of the base several times: the change's
    # records must still be the newest, or the gate would take them for replayed ones.
    built = script("history.py", str(repo), "--size", "20", "--commits", "60", "--change", "4")
    assert built.returncode == 0, built.stderr
    result = run(["gate", "--base", "main", "--head", "change"], repo)
    if "No such command" in result.stderr:
        pytest.skip("this installation has no gate command")
    assert result.returncode == 0, result.stdout + result.stderr


def test_phases_reports_every_phase_and_the_floor(generated: Path) -> None:
    result = script("phases.py", str(generated / "repo"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["exit"] == 0
    assert set(data["phases"]) == set(PHASES)
    assert data["files"] == 31
    assert data["floor_libyaml"] > 0 and data["floor_read"] > 0
    assert data["phases"]["parse"] > 0 and data["phases"]["validate"] > 0


@pytest.mark.slow
def test_run_prints_the_four_figures_and_the_breakdown(tmp_path: Path) -> None:
    result = script(
        "run.py",
        "--quick",
        "--workdir",
        str(tmp_path / "work"),
        "--json",
        str(tmp_path / "out.json"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for figure in (
        "1 bulk check, 40 artifacts",
        "1 growth 40 -> 200",
        "2 hook, one model card",
        '2 hook over the floor, `python -c "import yaml"`',
        "3 gate, 6 changed, 20 vs 100 commits",
        "4 site, 20 artifacts",
    ):
        assert figure in out
    assert "cores" in out and "Python" in out and "check-jsonschema" in out
    assert "Where a bulk check's time goes" in out
    assert "Hook imports" in out
    for module in ("git", "mkdocs", "jsonschema"):
        assert f"{module} no" in out or f"{module} YES" in out
    assert "mltriad modules" in out
    saved = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {row["figure"][0] for row in saved["rows"]} == {"1", "2", "3", "4"}
    floor_row = next(r for r in saved["rows"] if r["figure"].startswith("2 hook over the floor"))
    assert floor_row["ratio"].endswith("x floor") and floor_row["goal"] == "<= 3x"
    hook = saved["raw"]["hook"]
    assert len(hook["floor"]) == len(hook["mltriad"]) == len(hook["check-jsonschema"])
    assert hook["floor_command"][1:] == ["-c", "import yaml"]
    assert {"ratio_to_peer", "ratio_to_floor"} <= set(hook)
    assert set(hook["imports"]["heavy"]) == {"git", "mkdocs", "jsonschema"}
    assert hook["imports"]["mltriad_modules"] > 0
    assert set(saved["breakdown"]) == {"40", "200"}


def test_run_rejects_unknown_figures() -> None:
    result = script("run.py", "--only", "everything")
    assert result.returncode == 2
    assert "--only" in result.stderr


@pytest.mark.slow
def test_card_history_prints_both_figures(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    result = script(
        "card_history.py",
        "--commits",
        "120",
        "--versions",
        "6",
        "--size",
        "20",
        "--runs",
        "1",
        "--json",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    assert "mltriad history" in result.stdout and "site build" in result.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["versions"] >= 6 and figures["site_ratio"] > 0
