"""JUnit XML: the gate's sign-offs as a test report, one test case per artifact x role.

GitLab (`artifacts:reports:junit`) and most CI services show such a report: the merge
request's test widget then lists, as failed tests, each sign-off still missing, stale or
not counting, with who may sign and the command to run. Passed cases are the sign-offs
that count. Values from files and from git are made printable and valid XML 1.0.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from mltriad.report import text
from mltriad.report.model import Report, ReportCase

# Characters XML 1.0 does not allow, even escaped (lone surrogates among them: the
# surrogateescape'd bytes of a file name that is not UTF-8).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(value: str) -> str:
    printable = text.visible(value)
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable)


def document(report: Report) -> ET.Element:
    cases = report.cases
    failures = sum(1 for c in cases if c.failure is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    suites = ET.Element("testsuites", {"name": f"mltriad {report.command}", **counts, "time": "0"})
    suite = ET.SubElement(
        suites,
        "testsuite",
        {"name": f"mltriad {report.command}", **counts, "skipped": "0", "time": "0"},
    )
    if report.notes:
        ET.SubElement(suite, "system-out").text = "".join(f"{_xml(n)}\n" for n in report.notes)
    for case in cases:
        suite.append(_case(case))
    return suites


def _case(case: ReportCase) -> ET.Element:
    element = ET.Element(
        "testcase",
        {
            "name": _xml(case.name),
            "classname": _xml(case.classname),
            "file": _xml(case.file),
            "time": "0",
        },
    )
    if case.failure is not None:
        failure = ET.SubElement(
            element, "failure", {"message": _xml(case.failure), "type": _xml(case.rule)}
        )
        failure.text = _xml(case.details or case.failure)
    elif case.details:
        ET.SubElement(element, "system-out").text = _xml(case.details)
    return element


def render(report: Report, out: TextIO) -> None:
    tree = document(report)
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(tree, encoding="unicode"))
    out.write("\n")
