"""Editors: `mltriad init` ships the schemas and points the YAML files at them, for
yaml-language-server's completion and hover (a `# yaml-language-server: $schema=` first
line, relative to the file, and VS Code's `yaml.schemas`); it never rewrites an existing
settings file. yaml-language-server does not read Markdown front matter, so model cards
and decision records get no association."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from mltriad.snapshot import glob_regex
from tests.helpers import run

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)\n")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    done = run(["init", "--example", "demo"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    return tmp_path / "demo"


def schema_of(repo: Path, path: str) -> Path:
    """The schema the first line of the YAML file `path` names, resolved as
    yaml-language-server resolves it: relative to the file."""
    match = MODELINE.match((repo / path).read_text(encoding="utf-8"))
    assert match, f"{path} has no yaml-language-server line"
    return repo / posixpath.normpath(posixpath.join(posixpath.dirname(path), match.group(1)))


@pytest.mark.parametrize(
    ("path", "kind"), [("triad.yaml", "policy"), ("eval-sets/fraud-holdout.yaml", "eval-set")]
)
def test_init_points_each_yaml_artifact_at_the_shipped_schema(
    demo: Path, path: str, kind: str
) -> None:
    schema = schema_of(demo, path)
    assert schema.parent == demo / ".mltriad" / "schemas"
    printed = run(["schema", kind], cwd=demo).stdout
    assert json.loads(schema.read_text(encoding="utf-8")) == json.loads(printed)
    data = yaml.safe_load((demo / path).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(printed)).validate(data)  # it fits, as written


def test_markdown_artifacts_get_no_modeline(demo: Path) -> None:
    for path in [*demo.glob("model-cards/*.md"), *demo.glob("decisions/*.md")]:
        assert "yaml-language-server" not in path.read_text(encoding="utf-8"), path


def test_vscode_settings_associate_every_yaml_kind(demo: Path) -> None:
    settings = json.loads((demo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    associations = settings["yaml.schemas"]
    files = [p.relative_to(demo).as_posix() for p in demo.rglob("*.yaml")]
    covered: set[str] = set()
    for schema, globs in associations.items():
        assert (demo / schema).is_file(), schema
        for pattern in globs:
            covered |= {f for f in files if glob_regex(pattern).match(f)}
    signoffs = {f for f in files if f.startswith("signoffs/")}
    assert signoffs and signoffs | {"triad.yaml", "eval-sets/fraud-holdout.yaml"} <= covered


def test_an_existing_settings_file_is_never_rewritten(tmp_path: Path) -> None:
    settings = tmp_path / "repo" / ".vscode" / "settings.json"
    settings.parent.mkdir(parents=True)
    mine = '{\n  // my settings\n  "editor.tabSize": 2\n}\n'
    settings.write_text(mine, encoding="utf-8")
    for args in (["init", "repo"], ["init", "repo", "--force"]):
        done = run(args, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert settings.read_text(encoding="utf-8") == mine
        assert ".vscode/settings.json" in done.stdout
        assert (
            "your editor settings, never rewritten: for completion and hover help in YAML "
            'files, add "yaml.schemas": {".mltriad/schemas/triad.schema.json": ["triad.yaml"]'
        ) in done.stdout


def test_new_eval_set_points_at_the_schema_from_where_it_is_written(demo: Path) -> None:
    policy = demo / "triad.yaml"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            "  eval-sets: eval-sets/*.yaml", "  eval-sets: ml/sets/*.yaml"
        ),
        encoding="utf-8",
    )
    done = run(["new", "eval-set", "churn-holdout"], cwd=demo)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (demo / "ml" / "sets" / "churn-holdout.yaml").read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../../.mltriad/schemas/eval-set.schema.json\n"
    )
    assert schema_of(demo, "ml/sets/churn-holdout.yaml").is_file()


def test_new_eval_set_without_the_schemas_writes_no_dangling_modeline(tmp_path: Path) -> None:
    assert run(["init", "plain"], cwd=tmp_path).returncode == 0
    repo = tmp_path / "plain"
    for schema in (repo / ".mltriad" / "schemas").iterdir():
        schema.unlink()
    assert run(["new", "eval-set", "churn"], cwd=repo).returncode == 0
    assert "yaml-language-server" not in (repo / "eval-sets" / "churn.yaml").read_text("utf-8")


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("triad", "policy"),
        ("triad.yaml", "policy"),
        ("Triad", "policy"),
        ("model-cards", "model-card"),
        ("decisions", "decision"),
        ("eval-sets", "eval-set"),
        ("signoffs", "signoff"),
    ],
)
def test_schema_accepts_the_names_users_type(tmp_path: Path, typed: str, kind: str) -> None:
    asked = run(["schema", typed], cwd=tmp_path)
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout == run(["schema", kind], cwd=tmp_path).stdout
