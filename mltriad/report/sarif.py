"""SARIF 2.1.0, as GitHub code scanning accepts it (github/codeql-action/upload-sarif).

The log follows the OASIS schema and Microsoft's SARIF validator (`sarif-multitool
validate`): artifact locations are URI references (RFC 3986), so a path is
percent-encoded, and each rule's `name` is its name in PascalCase.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from mltriad import __version__
from mltriad.findings import Severity
from mltriad.report.model import Report
from mltriad.rules import all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
DOCS = "https://mltriad.github.io/mltriad/reference/rules/"


def document(report: Report) -> dict[str, Any]:
    rules = all_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mltriad",
                        "version": __version__,
                        "informationUri": "https://mltriad.github.io/mltriad/",
                        "rules": [
                            {
                                "id": r.id,
                                "name": pascal_case(r.name),
                                "shortDescription": {"text": r.summary},
                                "fullDescription": {"text": f"{r.summary} {r.fix}".strip()},
                                "helpUri": f"{DOCS}#{r.id.lower()}",
                                "help": {"text": r.fix or r.summary},
                                "defaultConfiguration": {"level": _LEVEL[r.severity]},
                            }
                            for r in rules
                        ],
                    }
                },
                "results": [
                    {
                        "ruleId": f.rule,
                        "ruleIndex": index.get(f.rule, 0),
                        "level": _LEVEL[f.severity],
                        "message": {"text": f.message},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {
                                        "uri": uri_reference(report.repo_path(f.path)),
                                        "uriBaseId": "%SRCROOT%",
                                    },
                                    "region": {"startLine": f.line, "startColumn": f.col},
                                }
                            }
                        ],
                        "partialFingerprints": {
                            "primaryLocationLineHash": f"{f.rule}:{f.path}:{f.message}"
                        },
                    }
                    for f in report.findings
                ],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def uri_reference(path: str) -> str:
    """A repository-relative path as a relative URI reference: 'odd dir/a,b.md' becomes
    'odd%20dir/a%2Cb.md' (a space, `,`, `:`, `%` or a non-ASCII letter is not allowed raw)."""
    from urllib.parse import quote  # only SARIF needs it, not the hook's text output

    return quote(path, safe="/")


def pascal_case(name: str) -> str:
    """A rule's name as SARIF's guidelines want `name`: 'missing-property' is MissingProperty."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-"))


def render(report: Report, out: TextIO) -> None:
    json.dump(document(report), out, indent=2)
    out.write("\n")
