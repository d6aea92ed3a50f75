"""SSH signatures over sign-off records: `ssh-keygen -Y sign` and `-Y verify`.

The namespace is `mltriad-signoff`, so a signature made for git or for anything else does
not verify as a sign-off. Only signature mode and `mltriad signoff --key` need this module;
`check` never loads it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from mltriad.errors import MltriadError

NAMESPACE = "mltriad-signoff"


_PRINCIPAL_UNSAFE = set("*?!,\"' \t")


def ssh_keygen() -> str:
    """The path of ssh-keygen; an environment error when it is missing."""
    found = shutil.which("ssh-keygen")
    if not found:
        raise MltriadError(
            "ssh-keygen is not installed; it makes and checks SSH signatures",
            hint="Install the OpenSSH client (8.2 or later) and run again.",
        )
    return found


def sign(data: bytes, key: Path) -> str:
    """An armored SSH signature over `data` made with a private key (or a public key whose
    private half is in ssh-agent)."""
    if not key.is_file():
        raise MltriadError(
            f"the key file {key} does not exist",
            hint="Pass --key with the path of your SSH private key.",
        )
    result = subprocess.run(
        [ssh_keygen(), "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
        input=data,
        capture_output=True,
        check=False,
        timeout=300,
    )
    signature = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or "BEGIN SSH SIGNATURE" not in signature:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MltriadError(
            f"ssh-keygen could not sign with {key}: "
            f"{detail[-1] if detail else 'no signature made'}",
            hint="Check the key's path and passphrase (or add it to ssh-agent).",
        )
    return signature


def verify(data: bytes, signature: str, email: str, public_key: str) -> str | None:
    """None when `signature` over `data` was made by `public_key` for `email` in the
    mltriad-signoff namespace; otherwise a sentence saying why not."""
    if not email or any(ch in _PRINCIPAL_UNSAFE for ch in email):
        return f"the email '{email}' cannot be used as an SSH principal"
    with tempfile.TemporaryDirectory(prefix="mltriad-verify-") as folder:
        allowed = Path(folder, "allowed_signers")
        allowed.write_text(
            f'{email} namespaces="{NAMESPACE}" {public_key.strip()}\n', encoding="utf-8"
        )
        sig = Path(folder, "record.sig")
        sig.write_text(signature, encoding="ascii", errors="replace")
        result = subprocess.run(
            [
                ssh_keygen(),
                "-Y",
                "verify",
                "-f",
                str(allowed),
                "-I",
                email,
                "-n",
                NAMESPACE,
                "-s",
                str(sig),
            ],
            input=data,
            capture_output=True,
            check=False,
            timeout=60,
        )
    if result.returncode == 0:
        return None
    detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
    return detail[-1].rstrip(".") if detail else "the signature does not verify"
