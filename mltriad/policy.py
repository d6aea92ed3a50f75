"""triad.yaml: roles and members, where artifacts live, and who must sign what."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from mltriad.documents import Document, parse_yaml
from mltriad.errors import ConfigError
from mltriad.findings import Finding, ParseError, Severity, define, finding, rule
from mltriad.schemas import NOT_ALLOWED, UserSchema, did_you_mean, user_schema, validate
from mltriad.snapshot import Snapshot, enclosing_work_tree, normalize

POLICY_PATH = "triad.yaml"

# The policy's own consistency rules; the rest of the MT2xx family is in rules/references.
UNKNOWN_ROLE = define(
    "MT201",
    "unknown-role",
    "A role is named that triad.yaml does not define.",
    example="driver: data-scientist   # roles: ml-engineer, product-manager, domain-expert",
    fix="Use a role id from triad.yaml, or add the role there.",
)
ROSTER = define(
    "MT203",
    "roster",
    "The roster in triad.yaml is inconsistent (a member twice, a missing key).",
    example="members:\n  - {name: Ada, email: ada@example.org}\n  - {name: Ada, email: ada@example.org}",
    fix="List each person once per role, with a signing_key in signature mode.",
)
ARTIFACT_KINDS = ("model-card", "decision", "eval-set", "glossary")
# Kind ids a team's own kind (`kinds:`) may not take: the built-in kinds, what else a
# governed file can be, and the glossary.
RESERVED_KINDS = frozenset({*ARTIFACT_KINDS, "policy", "signoff"})

DEFAULT_PATHS: dict[str, str | tuple[str, ...]] = {
    "model-cards": "model-cards/*.md",
    "decisions": "decisions/*.md",
    "eval-sets": "eval-sets/*.yaml",
    # The glossary: one YAML file, or Markdown files with the same keys as front matter.
    "glossary": ("glossary.yaml", "glossary/*.md"),
    "signoffs": "signoffs",
}
PATH_KEY = {
    "model-card": "model-cards",
    "decision": "decisions",
    "eval-set": "eval-sets",
    "glossary": "glossary",
}


def as_globs(value: str | Sequence[str]) -> tuple[str, ...]:
    """A `paths:` entry as a tuple: one glob, or the globs of a list, in their order."""
    return (value,) if isinstance(value, str) else tuple(value)


def path_globs(paths: Mapping[str, str | Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """`paths:` (the defaults for the keys it leaves out) with every entry a tuple."""
    return {key: as_globs(value) for key, value in {**DEFAULT_PATHS, **paths}.items()}


DEFAULT_SECTIONS: dict[str, tuple[tuple[str, ...], ...]] = {
    "model-card": (
        ("Intended use", "Intended uses", "Uses"),
        ("Limitations", "Bias, Risks, and Limitations", "Risks and limitations"),
    ),
    "decision": (
        ("Context and Problem Statement", "Context"),
        ("Considered Options", "Options"),
        ("Decision Outcome", "Decision"),
    ),
}

# The lifecycle of a decision: the states a record's status counts as. A record that is
# replaced says 'superseded by NNNN' (the state `superseded`), naming its successor.
LIFECYCLE = ("proposed", "accepted", "rejected", "deprecated")
# The statuses MADR 4 writes, in any letter case: its template's `proposed | rejected |
# accepted | deprecated | … | superseded by ADR-0123`, and the `on hold` of its own records.
MADR_STATUSES = {**{state: state for state in LIFECYCLE}, "on hold": "proposed"}
_SUPERSEDED_STATUS = re.compile(r"^superseded by .*[0-9]")
# The front-matter keys of a decision record that the policy may require of every record
# (MADR 4 makes all of its own optional), and those it requires by default.
DECISION_FIELDS = (
    "status",
    "date",
    "decision-makers",
    "consulted",
    "informed",
    "driver",
    "approvers",
)
DEFAULT_DECISION_FIELDS = ("status", "date", "decision-makers", "driver", "approvers")
MADR_FIELDS = frozenset({"status", "date", "decision-makers", "consulted", "informed"})


def status_key(text: str) -> str:
    """A status as statuses are compared: without letter case or repeated spaces."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class DecisionRules:
    """`decisions:` in triad.yaml: the keys every record must have, and the team's own
    statuses (as triad.yaml spells them) with the lifecycle state each counts as."""

    required_fields: tuple[str, ...] = DEFAULT_DECISION_FIELDS
    statuses: dict[str, str] = field(default_factory=dict)

    def state_of(self, status: str) -> str | None:
        """The lifecycle state a status counts as ('On hold' -> proposed), or None when
        neither MADR nor triad.yaml defines it."""
        key = status_key(status)
        if _SUPERSEDED_STATUS.match(key):
            return "superseded"
        return MADR_STATUSES.get(key) or self._declared().get(key, (None, None))[1]

    def spelling(self, status: str) -> str | None:
        """The status as its definition writes it ('Accepted' -> accepted, 'IN REVIEW' ->
        the spelling under decisions.statuses); None for 'superseded by' and unknowns."""
        key = status_key(status)
        if key in MADR_STATUSES:
            return key
        return self._declared().get(key, (None, None))[0]

    def allowed(self) -> list[str]:
        """Every status a record may have, for a message."""
        return [*MADR_STATUSES, *self.statuses, "'superseded by NNNN'"]

    def _declared(self) -> dict[str, tuple[str, str]]:
        return {status_key(name): (name, state) for name, state in self.statuses.items()}


@dataclass(frozen=True)
class Member:
    name: str
    email: str
    signing_key: str | None = None


@dataclass(frozen=True)
class Role:
    id: str
    members: tuple[Member, ...]
    description: str = ""

    def has(self, email: str) -> bool:
        return any(m.email.lower() == email.lower() for m in self.members)

    def who(self) -> str:
        """The members, for a message: 'Ada (ada@x), Bob (bob@x)' or 'nobody yet'."""
        if not self.members:
            return "nobody yet (add members to triad.yaml)"
        return ", ".join(f"{m.name} <{m.email}>" for m in self.members)


@dataclass(frozen=True)
class EvalSetRules:
    min_share: float = 0.5
    share_roles: tuple[str, ...] = ("product-manager", "domain-expert")
    require_production_sample: bool = True


@dataclass(frozen=True)
class TeamKind:
    """A kind of document of the team's own, from `kinds:` in triad.yaml, with its schema
    read from the same snapshot as the policy (for the gate: the base).

    `schema` is read, checked and compiled on first use (`read_policy` does it for every
    kind unless told otherwise), and raises ConfigError then for a bad schema."""

    id: str
    paths: tuple[str, ...]
    schema_path: str
    load: Callable[[], UserSchema] = field(repr=False, compare=False)
    require: tuple[str, ...] = ()
    sections: tuple[tuple[str, ...], ...] = ()
    id_field: str | None = None
    template: str | None = None
    title: str = ""
    description: str = ""

    @cached_property
    def schema(self) -> UserSchema:
        return self.load()

    @property
    def plural(self) -> str:
        """What the site calls documents of this kind: its title, or from its id."""
        if self.title:
            return self.title
        words = self.id.replace("-", " ")
        return words[:1].upper() + words[1:] + "s"

    @property
    def singular(self) -> str:
        return self.id.replace("-", " ")

    @property
    def files(self) -> tuple[str, ...]:
        """The files that define the kind: its schema, and its template if it has one."""
        return (self.schema_path, self.template) if self.template else (self.schema_path,)


def is_markdown(path: str) -> bool:
    """Whether a team kind's document is Markdown with front matter (else YAML)."""
    return path.lower().endswith((".md", ".markdown"))


@dataclass(frozen=True)
class Policy:
    roles: dict[str, Role]
    paths: dict[str, tuple[str, ...]]  # see path_globs; `signoffs` is one folder
    require: dict[str, tuple[str, ...]]
    identity: str = "author"
    distinct_signers: bool = True
    repository: str | None = None  # signoff.repository: the name records must carry
    sections: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    eval_sets: EvalSetRules = field(default_factory=EvalSetRules)
    decisions: DecisionRules = field(default_factory=DecisionRules)
    max_file_bytes: int = 5 * 1024 * 1024
    site: dict[str, str] = field(default_factory=dict)
    metric_map: dict[str, str] = field(default_factory=dict)  # results.metric_map
    document: Document | None = None
    kinds: dict[str, TeamKind] = field(default_factory=dict)  # `kinds:`, the team's own

    @cached_property
    def artifact_kinds(self) -> tuple[str, ...]:
        """Every kind of artifact: the built-in kinds, then the team's own, in their order."""
        return (*ARTIFACT_KINDS, *self.kinds)

    @cached_property
    def definition_files(self) -> frozenset[str]:
        """The schema and template files of the team's kinds: a change to one is a change
        to the policy, and needs the sign-off that triad.yaml's changes need."""
        return frozenset(f for kind in self.kinds.values() for f in kind.files)

    def globs(self, kind: str) -> tuple[str, ...]:
        """Every glob where artifacts of `kind` live: all of them are governed."""
        team = self.kinds.get(kind)
        return team.paths if team is not None else self.paths[PATH_KEY[kind]]

    def first_glob(self, kind: str) -> str:
        """The first glob of `kind`: where `mltriad new` writes a new artifact."""
        return self.globs(kind)[0]

    def globs_text(self, kind: str) -> str:
        """The globs of `kind`, for a message: 'model-cards/*.md, models/*/README.md'."""
        return ", ".join(self.globs(kind))

    @property
    def signoff_dir(self) -> str:
        return self.paths["signoffs"][0].rstrip("/")

    def required_roles(self, kind: str) -> tuple[str, ...]:
        return self.require.get(kind, ())

    def accountable_roles(self, kind: str) -> tuple[str, ...]:
        """The roles a new artifact of `kind` names (as owners, approvers): those required
        of it that triad.yaml defines, else every role it defines."""
        defined = tuple(r for r in self.required_roles(kind) if r in self.roles)
        return defined or tuple(self.roles)

    def requires(self, setting: str) -> str:
        """Who says so, for a finding that a policy setting causes: 'triad.yaml requires
        it (decisions.required_fields, line 40)', or the default policy."""
        if self.document is None:
            return (
                f"the default policy requires it (there is no {POLICY_PATH}; {setting} in "
                "one changes it)"
            )
        where: list[str | int] = list(setting.split("."))
        data: Any = self.document.data
        for step in where:
            data = data.get(step) if isinstance(data, dict) else None
        if data is None:
            return f"{self.document.path} requires it by default ({setting} is not set)"
        line = self.document.locate(where, key=True)[0]
        return f"{self.document.path} requires it ({setting}, line {line})"

    def member(self, role_id: str, email: str) -> Member | None:
        role = self.roles.get(role_id)
        if role is None:
            return None
        return next((m for m in role.members if m.email.lower() == email.lower()), None)

    def roles_of(self, email: str) -> list[str]:
        return [r.id for r in self.roles.values() if r.has(email)]


def load_policy(snapshot: Snapshot, *, path: str = POLICY_PATH) -> Policy:
    """Read and validate triad.yaml; any error in it is a ConfigError naming file and line
    (warnings, such as a role without members yet, are not flaws).

    The gate uses this for the base policy: a policy with a flaw cannot be trusted.
    """
    policy, findings = read_policy(snapshot, path=path)
    errors = [f for f in findings if f.blocks]
    if errors:
        raise policy_error(path, errors)
    return policy


def policy_error(path: str, findings: list[Finding]) -> ConfigError:
    first = findings[0]
    more = f" (and {len(findings) - 1} more problem(s))" if len(findings) > 1 else ""
    error = ConfigError(
        f"{first.message}{more}",
        path=path,
        line=first.line,
        hint=f"[{first.rule}] Fix {path} and run again.",
    )
    error.findings = findings
    return error


def read_policy(
    snapshot: Snapshot, *, path: str = POLICY_PATH, compile_kinds: bool = True
) -> tuple[Policy, list[Finding]]:
    """The policy and the findings of its consistency checks (unknown roles, duplicates).

    A triad.yaml that cannot be parsed or breaks its schema is a ConfigError: nothing
    else can be checked without a policy. So is a kind's schema that cannot be read or
    compiled; with `compile_kinds=False` each kind's schema is read when first used
    (`check PATH...` reads only those of the kinds it checks).
    """
    if not snapshot.exists(path):
        raise ConfigError(
            f"there is no {path} in the {snapshot.label}",
            hint="Run `mltriad init` to create one, or pass -C to the repository root.",
        )
    try:
        doc = parse_yaml(path, snapshot.read_bytes(path))
    except ParseError as exc:
        raise policy_error(
            path, [finding(rule(exc.rule_id), path, exc.message, exc.line, exc.col)]
        ) from None
    problems = validate("policy", doc.data, doc)
    if problems:
        raise policy_error(path, problems)
    policy = _build(doc, snapshot)
    if compile_kinds:
        for kind in policy.kinds.values():
            kind.schema  # noqa: B018  (read, checked and compiled now: errors surface here)
    return policy, list(_consistency(policy, doc))


def _build(doc: Document, snapshot: Snapshot) -> Policy:
    data: dict[str, Any] = doc.data
    roles = {
        role_id: Role(
            role_id,
            tuple(
                Member(m["name"], m["email"], m.get("signing_key")) for m in body["members"] or []
            ),
            body.get("description", ""),
        )
        for role_id, body in data["roles"].items()
    }
    paths = path_globs(data.get("paths", {}))
    require_data = data.get("require", {})
    require = {kind: tuple(require_data.get(kind, ())) for kind in ARTIFACT_KINDS}
    require["policy"] = tuple(require_data.get("policy", roles))
    # What a metric means is every role's business: by default each role signs the glossary.
    require["glossary"] = tuple(require_data.get("glossary", roles))
    signoff = data.get("signoff", {})
    sections = dict(DEFAULT_SECTIONS)
    for kind, entries in data.get("sections", {}).items():
        sections[kind] = tuple(_alternatives(e) for e in entries)
    es = data.get("eval-sets", {})
    eval_rules = EvalSetRules(
        min_share=float(es.get("min_share", 0.5)),
        share_roles=tuple(es.get("share_roles", ("product-manager", "domain-expert"))),
        require_production_sample=bool(es.get("require_production_sample", True)),
    )
    dr = data.get("decisions", {})
    decision_rules = DecisionRules(
        required_fields=tuple(dr.get("required_fields", DEFAULT_DECISION_FIELDS)),
        statuses=dict(dr.get("statuses") or {}),
    )
    kinds = _team_kinds(doc, snapshot, require, sections)
    return Policy(
        roles=roles,
        paths=paths,
        require=require,
        identity=signoff.get("identity", "author"),
        distinct_signers=bool(signoff.get("distinct_signers", True)),
        repository=signoff.get("repository"),
        sections=sections,
        eval_sets=eval_rules,
        decisions=decision_rules,
        max_file_bytes=int(data.get("limits", {}).get("max_file_bytes", 5 * 1024 * 1024)),
        site=dict(data.get("site", {})),
        metric_map=dict(data.get("results", {}).get("metric_map") or {}),
        document=doc,
        kinds=kinds,
    )


def _team_kinds(
    doc: Document,
    snapshot: Snapshot,
    require: dict[str, tuple[str, ...]],
    sections: dict[str, tuple[tuple[str, ...], ...]],
) -> dict[str, TeamKind]:
    """`kinds:`, each with the means to read its schema; the kinds' roles and sections
    go into `require` and `sections` beside the built-in kinds'."""
    kinds: dict[str, TeamKind] = {}
    known = (*ARTIFACT_KINDS, *(doc.data.get("kinds") or {}))
    for kind_id, body in (doc.data.get("kinds") or {}).items():
        if kind_id in RESERVED_KINDS:
            line = doc.locate(["kinds", kind_id], key=True)[0]
            raise ConfigError(
                f"kinds declares '{kind_id}', which is a kind mltriad already has",
                path=doc.path,
                line=line,
                hint="Give your kind another id, such as team-" + kind_id + ".",
            )
        schema_path = _definition_file(doc, kind_id, "schema", body["schema"], snapshot)
        template = body.get("template")
        if template is not None:
            template = _definition_file(doc, kind_id, "template", template, snapshot)
        kinds[kind_id] = TeamKind(
            id=kind_id,
            paths=as_globs(body["paths"]),
            schema_path=schema_path,
            load=functools.partial(_kind_schema, kind_id, schema_path, snapshot, known),
            require=tuple(body.get("require", ())),
            sections=tuple(_alternatives(e) for e in body.get("sections", ())),
            id_field=body.get("id_field"),
            template=template,
            title=body.get("title", ""),
            description=body.get("description", ""),
        )
        require[kind_id] = kinds[kind_id].require
        sections[kind_id] = kinds[kind_id].sections
    return kinds


def _definition_file(doc: Document, kind_id: str, key: str, value: str, snapshot: Snapshot) -> str:
    """The repository path of a kind's schema or template, which must be there."""
    clean = normalize(value)
    line = doc.locate(["kinds", kind_id, key])[0]
    if clean is None:
        raise ConfigError(
            f"kinds.{kind_id}.{key} '{value}' leads outside the repository",
            path=doc.path,
            line=line,
            hint="Name a file inside the repository, relative to its root.",
        )
    if not snapshot.exists(clean):
        raise ConfigError(
            f"kinds.{kind_id}.{key} names {clean}, which is not in the {snapshot.label}",
            path=doc.path,
            line=line,
            hint=f"Add the {key} file, or fix the path (`mltriad init --kinds` writes examples).",
        )
    return clean


def _kind_schema(kind_id: str, path: str, snapshot: Snapshot, known: tuple[str, ...]) -> UserSchema:
    """The kind's schema, checked and compiled; its references must name kinds in `known`."""
    try:
        found = user_schema(path, snapshot.read_bytes(path))
    except ParseError as exc:
        raise ConfigError(
            f"the schema of the kind '{kind_id}' cannot be read: {exc.message}",
            path=path,
            line=exc.line,
        ) from None
    except ConfigError as exc:
        raise ConfigError(
            f"the schema of the kind '{kind_id}' {exc.message}",
            path=exc.path,
            line=exc.line,
            hint=exc.hint,
        ) from None
    for reference in found.references:
        if reference.kind not in known:
            hint = did_you_mean(str(reference.kind), list(known))
            raise ConfigError(
                f"the schema of the kind '{kind_id}' marks {reference.field} as naming "
                f"a '{reference.kind}', which is not a kind"
                + (f" (did you mean '{hint}'?)" if hint else ""),
                path=path,
                hint=f"x-mltriad-ref names one of: {', '.join(known)}.",
            )
    return found


def _alternatives(entry: str | list[str]) -> tuple[str, ...]:
    return (entry,) if isinstance(entry, str) else tuple(entry)


def _consistency(policy: Policy, doc: Document) -> Iterable[Finding]:
    """Roles named in the policy exist; members are unique; keys are present when required."""
    for kind, roles in policy.require.items():
        where: list[str | int] = (
            ["kinds", kind, "require"] if kind in policy.kinds else ["require", kind]
        )
        for i, role_id in enumerate(roles):
            if role_id not in policy.roles:
                line, col = doc.locate([*where, i])
                yield finding(
                    UNKNOWN_ROLE,
                    doc.path,
                    f"{'.'.join(map(str, where))} names the role '{role_id}', which is not "
                    "defined under roles",
                    line,
                    col,
                )
    for i, role_id in enumerate(policy.eval_sets.share_roles):
        if role_id not in policy.roles:
            line, col = doc.locate(["eval-sets", "share_roles", i])
            yield finding(
                UNKNOWN_ROLE,
                doc.path,
                f"eval-sets.share_roles names the role "
                f"'{role_id}', which is not defined under roles",
                line,
                col,
            )
    yield from _statuses(policy, doc)
    for role in policy.roles.values():
        if not role.members:
            line, col = doc.locate(["roles", role.id, "members"])
            yield finding(
                ROSTER,
                doc.path,
                f"the role '{role.id}' has no members yet, so nobody can sign for it and "
                "the merge gate blocks every change that needs it; add its people under "
                f"roles.{role.id}.members (name and email)",
                line,
                col,
                Severity.WARNING,
            )
        seen: set[str] = set()
        for i, member in enumerate(role.members):
            if member.email.lower() in seen:
                line, col = doc.locate(["roles", role.id, "members", i, "email"])
                yield finding(
                    ROSTER,
                    doc.path,
                    f"{member.email} is listed twice in the role '{role.id}'",
                    line,
                    col,
                )
            seen.add(member.email.lower())
            if policy.identity == "signature" and not member.signing_key:
                line, col = doc.locate(["roles", role.id, "members", i])
                yield finding(
                    ROSTER,
                    doc.path,
                    f"{member.name} <{member.email}> has no "
                    "signing_key, which signoff.identity: signature requires; add "
                    "their public SSH key",
                    line,
                    col,
                )


def _statuses(policy: Policy, doc: Document) -> Iterable[Finding]:
    """A team's own status may not redefine MADR's, nor be declared twice."""
    seen: dict[str, str] = {}
    for name in policy.decisions.statuses:
        key = status_key(name)
        line, col = doc.locate(["decisions", "statuses", name], key=True)
        if key in MADR_STATUSES or _SUPERSEDED_STATUS.match(key) or not key:
            meaning = MADR_STATUSES.get(key, "superseded") if key else ""
            yield finding(
                NOT_ALLOWED,
                doc.path,
                f"decisions.statuses declares '{name}', which "
                + (f"is already a status (it counts as {meaning})" if key else "is empty")
                + "; remove it there",
                line,
                col,
            )
        elif key in seen:
            yield finding(
                NOT_ALLOWED,
                doc.path,
                f"decisions.statuses declares '{name}' and '{seen[key]}', which are one "
                "status (statuses are compared without letter case); keep one of them",
                line,
                col,
            )
        seen.setdefault(key, name)


def base_policy(snapshot: Snapshot) -> Policy:
    """The policy of a base commit, strictly: any flaw is an error, never a pass."""
    if not snapshot.exists(POLICY_PATH):
        raise ConfigError(
            f"the {snapshot.label} has no {POLICY_PATH}, so there is no policy to enforce yet",
            path=POLICY_PATH,
            hint="The gate reads the policy from the base branch, never from the "
            "change: merge the change that adds triad.yaml first (before the gate "
            "is a required check); every later change is gated.",
        )
    try:
        return load_policy(snapshot)
    except ConfigError as exc:
        error = ConfigError(
            f"triad.yaml in the {snapshot.label} cannot be used: {exc.message}",
            path=exc.path,
            line=exc.line,
            hint="The gate reads the policy from the base branch, never from "
            "the change; fix triad.yaml there first.",
        )
        error.findings = exc.findings
        error.source = snapshot.label
        raise error from None


def find_root(start: Path) -> Path:
    """The folder mltriad works in: the nearest one at or above `start` that holds
    triad.yaml, else the top of the git work tree around `start`, else `start`."""
    start = start.resolve()
    top = enclosing_work_tree(start)
    for folder in (start, *start.parents):
        if (folder / POLICY_PATH).is_file():
            return folder
        if folder == top:
            return folder
    return start
