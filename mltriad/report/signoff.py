"""What `mltriad signoff` wrote, for the person who signed, and what to do next."""

from __future__ import annotations

from collections.abc import Iterable

from mltriad.commands.signoff import SignResult
from mltriad.signoffs import REMOVED, commit_command


def describe(result: SignResult) -> Iterable[str]:
    """Lines for the person who signed: what was written and what to do next."""
    data = result.data
    what = "the removal of" if result.removal else "the current version of"
    short = str(data["digest"]).removeprefix(REMOVED)[:19]
    if result.unchanged:
        yield (
            f"{result.record} already holds {data['signer']['name']}'s {data['role']} "
            f"sign-off of {what} {data['artifact']} ({short}...); nothing changed."
        )
        return
    yield (
        f"Wrote {result.record}: {data['signer']['name']} <{data['signer']['email']}> signs "
        f"{what} {data['artifact']} ({short}...) as {data['role']}."
    )
    if result.replaced is not None:
        previous = result.replaced
        yield (
            f"It replaces the sign-off by {previous.signer} from {previous.date} "
            f"({'same version' if previous.digest == data['digest'] else 'an older version'})."
        )
    if result.verified:
        yield "The SSH signature verifies against your signing_key in triad.yaml."
    command = commit_command(result.record, data["artifact"], data["role"])
    if result.identity == "author":
        yield (
            f"Next: commit it as yourself: {command} (the gate checks that the "
            f"commit's author is {data['signer']['email']})."
        )
    else:
        yield f"Next: commit it: {command}."
