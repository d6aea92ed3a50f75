"""Synthetic governed repositories of realistic artifacts, at any size.

A repository of N artifacts holds, for every ten files, two model cards (task, owners,
targets, results pinned to their evaluation set's digest, failure modes, constraints),
two evaluation sets (slices defined by each role, a production sample, data checksums),
two decision records (MADR 4 with the triad's fields, some superseding older ones) and
four sign-off records, all valid and cross-referenced. The content is seeded, so the same
size always gives the same bytes.

    python bench/generate.py DIR --size 2000
    python bench/generate.py DIR --size 500 --site      # with mkdocs.yml for the plugin
    python bench/generate.py DIR --size 500 --plain-site  # the same pages, hand-written
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROLES = ("ml-engineer", "product-manager", "domain-expert")
FIRST = (
    "Ada",
    "Grace",
    "Katherine",
    "Alan",
    "Barbara",
    "Edsger",
    "Frances",
    "Hedy",
    "John",
    "Margaret",
    "Radia",
    "Tim",
    "Donald",
    "Karen",
    "Leslie",
)
LAST = (
    "Lovelace",
    "Hopper",
    "Johnson",
    "Turing",
    "Liskov",
    "Dijkstra",
    "Allen",
    "Lamarr",
    "Backus",
    "Hamilton",
    "Perlman",
    "Berners-Lee",
    "Knuth",
    "Jones",
    "Lamport",
)
DOMAINS = (
    "fraud",
    "churn",
    "credit",
    "search",
    "ranking",
    "support",
    "pricing",
    "demand",
    "spam",
    "triage",
    "routing",
    "claims",
    "returns",
    "risk",
    "intent",
    "toxicity",
)
OBJECTS = (
    "detector",
    "classifier",
    "scorer",
    "ranker",
    "forecaster",
    "tagger",
    "router",
    "model",
    "estimator",
    "filter",
)
SLICES = (
    "new-merchants",
    "returning-customers",
    "mobile",
    "high-value",
    "night-traffic",
    "eu",
    "us",
    "first-week",
    "long-tail",
    "enterprise",
    "small-business",
    "weekend",
)
METRICS = (
    ("recall", "min", 0.7, 0.95),
    ("precision", "min", 0.6, 0.9),
    ("auc", "min", 0.8, 0.97),
    ("f1", "min", 0.6, 0.9),
    ("latency_p95_ms", "max", 40.0, 120.0),
    ("false_positive_rate", "max", 0.01, 0.08),
)
WORDS = (
    "payments",
    "customers",
    "reviewers",
    "merchants",
    "queue",
    "threshold",
    "drift",
    "labels",
    "traffic",
    "latency",
    "budget",
    "appeal",
    "escalation",
    "holdout",
    "audit",
    "season",
    "region",
    "segment",
    "signal",
    "feature",
    "outcome",
    "incident",
    "policy",
)
ERROR_TYPES = ("false-negative", "false-positive", "wrong-output", "latency", "bias")
COSTS = ("low", "medium", "high", "critical")
LICENSES = ("apache-2.0", "mit", "other", "cc-by-4.0")
SIGNING_STARTED = datetime(2026, 1, 1, tzinfo=timezone.utc)
SHARES = {"model-card": 2, "eval-set": 2, "decision": 2, "signoff": 4}  # of every 10 files


@dataclass
class Person:
    name: str
    email: str


@dataclass
class Plan:
    """How many artifacts of each kind a repository of `size` files holds."""

    size: int
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, size: int) -> Plan:
        if size < 4:
            raise ValueError("a repository needs at least 4 artifacts (one of each kind)")
        counts = {kind: max(1, size * share // 10) for kind, share in SHARES.items()}
        counts["signoff"] += size - sum(counts.values())  # the rounding remainder
        return cls(size, counts)


class Writer:
    """Generates the files of one repository in memory, deterministically from a seed."""

    def __init__(self, size: int, seed: int = 7, kinds: int = 0) -> None:
        self.kinds = kinds  # kinds of the team's own declared in triad.yaml
        self.plan = Plan.of(size)
        self.rng = random.Random(seed)
        self.people = {role: self._people(role, 4) for role in ROLES}
        self.files: dict[str, str] = {}
        self.card_ids = self._ids(self.plan.counts["model-card"])
        self.eval_ids = [f"{i}-holdout" for i in self._ids(self.plan.counts["eval-set"])]
        self.decision_paths: list[str] = []

    def _people(self, role: str, count: int) -> list[Person]:
        out = []
        for i in range(count):
            first, last = (
                FIRST[(i * 5 + len(role)) % len(FIRST)],
                LAST[(i * 7 + len(role)) % len(LAST)],
            )
            out.append(
                Person(f"{first} {last}", f"{first.lower()}.{role.split('-')[0]}{i}@example.org")
            )
        return out

    def _ids(self, count: int) -> list[str]:
        ids = []
        for i in range(count):
            domain = DOMAINS[i % len(DOMAINS)]
            obj = OBJECTS[(i // len(DOMAINS)) % len(OBJECTS)]
            ids.append(f"{domain}-{obj}-{i:05d}")
        return ids

    def sentence(self, words: int = 9) -> str:
        picked = [self.rng.choice(WORDS) for _ in range(words)]
        return (" ".join(picked)).capitalize() + "."

    def build(self) -> dict[str, str]:
        """Every file of the repository, by repository-relative path."""
        self.files["triad.yaml"] = self.policy()
        for i in range(4):
            self.files[f"docs/labels/spec-{i}.md"] = (
                f"# Labelling guide {i}\n\n{self.sentence(30)}\n"
            )
        for i, ident in enumerate(self.eval_ids):
            self.files[f"eval-sets/{ident}.yaml"] = self.eval_set(i, ident)
        for i in range(self.plan.counts["decision"]):
            path, text = self.decision(i)
            self.files[path] = text
            self.decision_paths.append(path)
        for i, ident in enumerate(self.card_ids):
            self.files[f"model-cards/{ident}.md"] = self.model_card(i, ident)
        self.signoffs(self.plan.counts["signoff"])
        for k in range(self.kinds):
            self.files[f"kinds/kind-{k}.schema.json"] = self.kind_schema(k)
            for n in range(2):
                self.files[f"kind-{k}/doc-{n}.md"] = self.kind_document(k, n)
        return self.files

    def kind_schema(self, k: int) -> str:
        """The schema of a team kind: required fields of several types and a reference."""
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"Kind {k}",
            "type": "object",
            "required": ["id", "title", "status", "model", "owner", "metric", "steps"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                "title": {"type": "string", "minLength": 1},
                "status": {"enum": ["draft", "agreed", "retired"]},
                "model": {"type": "string", "x-mltriad-ref": "model-card"},
                "owner": {"type": "string", "pattern": "^[^@]+@[^@]+$"},
                "metric": {
                    "type": "object",
                    "required": ["name", "direction"],
                    "properties": {
                        "name": {"type": "string"},
                        "direction": {"enum": ["increase", "decrease"]},
                        "minimum": {"type": "number", "minimum": 0},
                    },
                },
                "steps": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "date": {"type": "string", "format": "date"},
            },
        }
        return json.dumps(schema, indent=2) + "\n"

    def kind_document(self, k: int, n: int) -> str:
        card = self.card_ids[(k * 2 + n) % len(self.card_ids)]
        owner = self.people["product-manager"][0].email
        return (
            f"---\nid: doc-{n}\ntitle: {self.sentence(5)}\nstatus: agreed\nmodel: {card}\n"
            f"owner: {owner}\nmetric: {{name: recall, direction: increase, minimum: 0.8}}\n"
            f"steps: [{self.sentence(4)}, {self.sentence(4)}]\ndate: 2026-11-0{1 + n}\n---\n"
            f"# {self.sentence(4)}\n\n## Summary\n\n{self.sentence(30)}\n"
        )

    def policy(self) -> str:
        lines = ["version: 1", "roles:"]
        for role in ROLES:
            lines += [f"  {role}:", f"    description: {self.sentence(6)}", "    members:"]
            lines += [f"      - {{name: {p.name}, email: {p.email}}}" for p in self.people[role]]
        lines += [
            "paths:",
            "  model-cards: model-cards/*.md",
            "  decisions: decisions/*.md",
            "  eval-sets: eval-sets/*.yaml",
            "  signoffs: signoffs",
            "require:",
            "  model-card: [ml-engineer, product-manager, domain-expert]",
            "  decision: [ml-engineer, product-manager]",
            "  eval-set: [product-manager, domain-expert]",
            "signoff:",
            "  identity: author",
            "  distinct_signers: true",
        ]
        if self.kinds:
            lines.append("kinds:")
        for k in range(self.kinds):
            lines += [
                f"  kind-{k}:",
                f"    paths: kind-{k}/*.md",
                f"    schema: kinds/kind-{k}.schema.json",
                "    require: [ml-engineer, product-manager]",
                "    sections: [Summary]",
                "    id_field: id",
            ]
        return "\n".join(lines) + "\n"

    def eval_set(self, i: int, ident: str) -> str:
        rng = self.rng
        slices = [
            ("production-sample", "product-manager", "production"),
            (SLICES[i % len(SLICES)], "domain-expert", "expert"),
            ("synthetic-attacks", "ml-engineer", "synthetic"),
        ]
        if i % 3 == 0:
            slices.append((SLICES[(i + 5) % len(SLICES)], "domain-expert", "expert"))
        lines = [
            f"id: {ident}",
            f"title: {ident.replace('-', ' ').capitalize()}",
            f"description: {self.sentence(14)}",
            "owner: product-manager",
            f"label_spec: docs/labels/spec-{i % 4}.md",
            f"version: '{2024 + i % 3}-{1 + i % 12:02d}'",
            "slices:",
        ]
        for name, role, source in slices:
            cases = rng.randint(200, 900) if role != "ml-engineer" else rng.randint(50, 150)
            data_path = f"data/{ident}/{name}.csv"
            data = self.data_file(ident, name, cases)
            self.files[data_path] = data
            checksum = hashlib.sha256(data.encode()).hexdigest()
            lines += [
                f"  - name: {name}",
                f"    description: {self.sentence(8)}",
                f"    defined_by: {role}",
                f"    source: {source}",
                f"    cases: {cases}",
                "    files:",
                f"      - path: {data_path}",
                f"        sha256: {checksum}",
                f"        size: {len(data.encode())}",
            ]
        return "\n".join(lines) + "\n"

    def data_file(self, ident: str, name: str, cases: int) -> str:
        """A small CSV sample standing in for the slice's data (its checksum is verified)."""
        rows = [
            f"{ident}-{name}-{n},{self.rng.choice(WORDS)},{self.rng.random():.4f}" for n in range(4)
        ]
        return "case_id,label,score\n" + "\n".join(rows) + f"\n# {cases} cases in the full slice\n"

    def decision(self, i: int) -> tuple[str, str]:
        number = i + 1
        slug = f"{self.rng.choice(WORDS)}-{self.rng.choice(WORDS)}"
        path = f"decisions/{number:04d}-{slug}.md"
        card = self.card_ids[i % len(self.card_ids)]
        pm, ml, de = (
            self.people[r][i % 4] for r in ("product-manager", "ml-engineer", "domain-expert")
        )
        # Every fifth record is superseded by the next one, which says so in `supersedes`.
        superseded = i % 5 == 0 and i + 1 < self.plan.counts["decision"]
        status = f"superseded by {number + 1:04d}" if superseded else "accepted"
        lines = [
            "---",
            f"title: {self.sentence(6)[:-1]}",
            f"status: {status}",
            f"date: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
            f"decision-makers: [{ml.name}, {pm.name}]",
            f"consulted: [{de.name}]",
            f"informed: [{self.people['ml-engineer'][(i + 1) % 4].name}]",
            f"driver: {ROLES[i % 3]}",
            "approvers: [ml-engineer, product-manager]",
            f"models: [{card}]",
            f"revisit-when: {self.sentence(10)}",
        ]
        if i % 5 == 1:
            lines.append(f"supersedes: [{number - 1}]")
        body = [
            "---",
            "",
            f"# {self.sentence(6)[:-1]}",
            "",
            "## Context and Problem Statement",
            "",
            self.sentence(40),
            "",
            "## Considered Options",
            "",
            *(f"* {self.sentence(5)}" for _ in range(3)),
            "",
            "## Decision Outcome",
            "",
            f"Chosen option: {self.sentence(12)}",
            "",
            "### Consequences",
            "",
            f"* Good, because {self.sentence(10)}",
            f"* Bad, because {self.sentence(10)}",
            "",
        ]
        return path, "\n".join(lines + body)

    def model_card(self, i: int, ident: str) -> str:
        rng = self.rng
        evals = [self.eval_ids[i % len(self.eval_ids)]]
        if len(self.eval_ids) > 1 and i % 2:
            evals.append(self.eval_ids[(i + 1) % len(self.eval_ids)])
        status = ("draft", "candidate", "production", "production", "retired")[i % 5]
        owners = {r: self.people[r][i % 4].email for r in ROLES}
        decisions = [self.decision_number(i)] if self.decision_paths else []
        lines = [
            "---",
            f"id: {ident}",
            f"title: {ident.replace('-', ' ').capitalize()}",
            f"version: {1 + i % 4}.{i % 10}.0",
            f"status: {status}",
            "owners:",
            *(f"  {r}: {e}" for r, e in owners.items()),
            "task:",
            f"  type: {('binary-classification', 'ranking', 'regression')[i % 3]}",
            f"  input: {self.sentence(12)}",
            f"  output: {self.sentence(12)}",
            f"intended_use: {self.sentence(14)}",
            "out_of_scope:",
            *(f"  - {self.sentence(8)}" for _ in range(2)),
            "training_data:",
            f"  description: {self.sentence(12)}",
            "  sources: [warehouse.events, warehouse.labels]",
            f"  period: 2025-01 to 2026-{1 + i % 12:02d}",
            f"eval_sets: [{', '.join(evals)}]",
            "targets:",
        ]
        chosen = rng.sample(METRICS, 3)
        results: list[str] = []
        for metric, bound, low, high in chosen:
            limit = round(rng.uniform(low, (low + high) / 2), 3)
            target_slice = SLICES[i % len(SLICES)] if metric == "recall" else None
            lines += [
                f"  - metric: {metric}",
                *([f"    slice: {target_slice}"] if target_slice else []),
                f"    eval_set: {evals[0]}",
                f"    {bound}: {limit}",
            ]
            if bound == "min":
                lines.append(f"    goal: {round(min(limit + 0.05, 0.999), 3)}")
                value = round(min(limit + rng.uniform(0.01, 0.04), 0.999), 3)
            else:
                value = round(limit * rng.uniform(0.6, 0.95), 3)
            lines.append(f"    why: {self.sentence(10)}")
            results += [
                f"  - metric: {metric}",
                *([f"    slice: {target_slice}"] if target_slice else []),
                f"    eval_set: {evals[0]}",
                f"    eval_set_digest: {self.digest_of(f'eval-sets/{evals[0]}.yaml')}",
                f"    value: {value}",
                f"    measured_at: 2026-{1 + i % 12:02d}-15",
                f"    run: https://ml.example.org/runs/{ident}/{i}",
            ]
        lines += ["results:", *results, "failure_modes:"]
        for priority in range(1, 2 + i % 3 + 1):
            lines += [
                f"  - name: {self.sentence(5)[:-1]}",
                f"    error_type: {ERROR_TYPES[(i + priority) % 5]}",
                f"    cost: {COSTS[(i + priority) % 4]}",
                f"    priority: {priority}",
                f"    mitigation: {self.sentence(9)}",
            ]
        lines += [
            "constraints:",
            f"  latency: p95 under {40 + i % 80} ms",
            f"  cost: under {1 + i % 9} cents per thousand predictions",
            f"  explainability: {self.sentence(8)}",
            *([f"decisions: [{decisions[0]}]"] if decisions else []),
            f"license: {LICENSES[i % 3]}",
            *(
                ["license_name: internal", "license_link: https://example.org/license"]
                if LICENSES[i % 3] == "other"
                else []
            ),
            f"tags: [{DOMAINS[i % len(DOMAINS)]}, tabular]",
            "language: [en, fr]",
            "library_name: sklearn",
            "---",
            "",
            f"# {ident.replace('-', ' ').capitalize()}",
            "",
            "## Intended use",
            "",
            self.sentence(40),
            "",
            "## Limitations",
            "",
            self.sentence(30),
            "",
            "## Evaluation",
            "",
            "| Metric | Slice | Value |",
            "| --- | --- | --- |",
            *(f"| {m} | all | {round(rng.uniform(0.6, 0.95), 3)} |" for m, *_ in chosen),
            "",
        ]
        return "\n".join(lines)

    def decision_number(self, i: int) -> int:
        return (i % len(self.decision_paths)) + 1

    def digest_of(self, path: str) -> str:
        return digest(self.files[path])

    def signoffs(self, count: int) -> None:
        """`count` sign-off records, for model cards first, then eval sets, then decisions."""
        targets = [f"model-cards/{c}.md" for c in self.card_ids]
        targets += [f"eval-sets/{e}.yaml" for e in self.eval_ids] + self.decision_paths
        made = 0
        for path in targets:
            for role in required_roles(path):
                if made == count:
                    return
                self.files[signoff_path(path, role)] = signoff_record(
                    path, role, self.owner(path, role), digest(self.files[path]), made
                )
                made += 1

    def owner(self, path: str, role: str) -> Person:
        index = sum(map(ord, path)) % 4
        return self.people[role][index]


def kind_of(path: str) -> str:
    return {"model-cards": "model-card", "eval-sets": "eval-set", "decisions": "decision"}[
        path.split("/", 1)[0]
    ]


def required_roles(path: str) -> tuple[str, ...]:
    return {
        "model-card": ROLES,
        "decision": ("ml-engineer", "product-manager"),
        "eval-set": ("product-manager", "domain-expert"),
    }[kind_of(path)]


def signoff_path(path: str, role: str) -> str:
    """Where `mltriad signoff` keeps the record: signoffs/<artifact path>/<role>.yaml."""
    return f"signoffs/{path}/{role}.yaml"


def signoff_record(path: str, role: str, signer: Person, artifact_digest: str, n: int) -> str:
    return (
        "# Sign-off record written by `mltriad signoff`. Do not edit it by hand: the merge\n"
        "# gate checks it against the artifact's content and the signer's identity.\n"
        "version: 1\n"
        f"artifact: {path}\n"
        f"kind: {kind_of(path)}\n"
        f"role: {role}\n"
        "signer:\n"
        f"  name: {signer.name}\n"
        f"  email: {signer.email}\n"
        f"digest: {artifact_digest}\n"
        f"date: '{signed_at(n)}'\n"
        f"note: Reviewed the targets and failure modes for {role}.\n"
    )


def signed_at(n: int) -> str:
    """The date of the n-th sign-off: later records are newer, as the gate expects."""
    return (SIGNING_STARTED + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(text: str) -> str:
    """What `mltriad digest` prints: sha256 of the content with LF line endings."""
    raw = text.encode("utf-8").replace(b"\r\n", b"\n")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="\n")


def generate(root: Path, size: int, seed: int = 7, kinds: int = 0) -> dict[str, str]:
    """Write a repository of `size` artifacts under `root` (which must not exist yet), with
    `kinds` kinds of the team's own declared (each a schema and two documents)."""
    if root.exists() and any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty; pass a new folder")
    files = Writer(size, seed, kinds).build()
    write(root, files)
    return files


def front_matter(text: str) -> str:
    """The YAML of a Markdown file's front matter, or a YAML file's whole text."""
    if not text.startswith("---\n"):
        return text
    end = text.index("\n---\n", 3)
    return text[4 : end + 1]


def extract(files: dict[str, str], out: Path) -> dict[str, list[str]]:
    """The front matter of every artifact as plain YAML files under `out`, by kind.

    This is the peer's input: the same data, with no Markdown around it.
    """
    by_kind: dict[str, list[str]] = {
        "policy": [],
        "model-card": [],
        "decision": [],
        "eval-set": [],
        "signoff": [],
    }
    for rel, text in files.items():
        kind = file_kind(rel)
        if kind is None:
            continue
        name = rel.replace("/", "__").rsplit(".", 1)[0] + ".yaml"
        target = out / kind / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(front_matter(text), encoding="utf-8", newline="\n")
        by_kind[kind].append(f"{kind}/{name}")
    return by_kind


def file_kind(rel: str) -> str | None:
    if rel == "triad.yaml":
        return "policy"
    if rel.startswith("signoffs/"):
        return "signoff"
    if rel.startswith(("model-cards/", "eval-sets/", "decisions/")):
        return kind_of(rel)
    return None


def plain_site(files: dict[str, str], root: Path) -> int:
    """A plain MkDocs site with one hand-written page per artifact: the same words, as a
    person would write them without mltriad (front matter as a table), and no plugin."""
    docs = root / "docs"
    pages = 0
    nav_index = ["# Artifacts", ""]
    for rel, text in sorted(files.items()):
        kind = file_kind(rel)
        if kind in (None, "policy"):
            continue
        page = rel.replace(".md/", "/").rsplit(".", 1)[0] + ".md"  # no folder named *.md
        write(docs, {page: hand_written_page(rel, text)})
        nav_index.append(f"- [{rel}]({page})")
        pages += 1
    write(docs, {"index.md": "\n".join(nav_index) + "\n"})
    (root / "mkdocs.yml").write_text(
        "site_name: Plain artifacts\nplugins: [search]\n", encoding="utf-8"
    )
    return pages


def hand_written_page(rel: str, text: str) -> str:
    data = front_matter(text)
    body = text[len(data) + 8 :] if text.startswith("---\n") else ""
    rows = ["| Field | Value |", "| --- | --- |"]
    rows += [
        f"| {line.split(':', 1)[0].strip(' -')} | {line.split(':', 1)[1].strip()} |"
        for line in data.splitlines()
        if ":" in line and line.split(":", 1)[1].strip()
    ]
    title = f"# {rel}\n\n" if not body.lstrip().startswith("#") else ""
    return f"{title}{body}\n\n## Metadata\n\n" + "\n".join(rows) + "\n"


def site_config(root: Path) -> None:
    """The mkdocs.yml of a governed repository whose site the mltriad plugin builds."""
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(
        "# Model governance\n\nModel cards, decisions and evaluation sets.\n", encoding="utf-8"
    )
    (root / "mkdocs.yml").write_text(
        "site_name: Governed artifacts\nplugins: [search, mltriad]\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dir", type=Path, help="a new folder to write the repository into")
    parser.add_argument("--size", type=int, default=2000, help="number of artifacts (default 2000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--kinds", type=int, default=0, help="kinds of the team's own to declare (default 0)"
    )
    parser.add_argument(
        "--site", action="store_true", help="add mkdocs.yml using the mltriad plugin"
    )
    parser.add_argument(
        "--plain-site",
        action="store_true",
        help="write a plain MkDocs site of hand-written pages instead",
    )
    parser.add_argument(
        "--extract",
        type=Path,
        metavar="DIR",
        help="also write each artifact's front matter as plain YAML under DIR",
    )
    args = parser.parse_args(argv)
    try:
        if args.plain_site:
            args.dir.mkdir(parents=True, exist_ok=False)
            pages = plain_site(Writer(args.size, args.seed).build(), args.dir)
            print(f"wrote a plain MkDocs site of {pages} pages to {args.dir}")
            return 0
        files = generate(args.dir, args.size, args.seed, args.kinds)
    except (FileExistsError, ValueError) as exc:
        print(f"generate: error: {exc}", file=sys.stderr)
        return 2
    if args.site:
        site_config(args.dir)
    if args.extract:
        extract(files, args.extract)
    counts = Plan.of(args.size).counts
    print(
        f"wrote {args.size} artifacts to {args.dir}: "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
