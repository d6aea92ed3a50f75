"""The one way mltriad writes a file: a temporary file beside the target, synced, then renamed.

A reader (or a crash) sees the old content or the new, never half of it. `init`, `new`,
`signoff`, `adopt` and `hooks install` all write through `write_file`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from mltriad.errors import MltriadError


def write_file(
    target: Path,
    data: bytes,
    *,
    replace: bool = True,
    mode: int | None = None,
    inside: Path | None = None,
) -> bool:
    """Write `data` to `target` atomically; True when written.

    With `replace` an existing file is replaced and keeps its permissions; without it an
    existing file (or symlink) is never touched and False is returned. `mode` sets the
    permissions of the file written (for example 0o755 for a hook); otherwise a new file
    gets the default mode under the umask, as any editor would create it. With `inside`
    (a repository's root), a target whose folder leads out of it through a symbolic link,
    or that is a link itself, is refused before anything is written.
    """
    if inside is not None:
        _refuse_links_out(target, inside)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = _write_temp(target, data)
        try:
            _set_mode(target, temp, mode)
            if replace:
                os.replace(temp, target)
                written = True
            else:
                written = _link_new(temp, target)
            _sync_folder(target.parent)
            return written
        finally:
            if os.path.lexists(temp):
                os.unlink(temp)
    except OSError as exc:
        raise MltriadError(
            f"cannot write {target}: {exc.strerror or exc}",
            hint="Check that its folder is a writable folder (not a file), then run again.",
        ) from None


def _refuse_links_out(target: Path, inside: Path) -> None:
    root = Path(os.path.realpath(inside))
    if target.is_symlink():
        raise MltriadError(
            f"{target} is a symbolic link; mltriad does not write through links",
            hint="Replace the link with a file (or remove it), then run again.",
        )
    existing = target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    real = Path(os.path.realpath(existing))
    if real != root and root not in real.parents:
        raise MltriadError(
            f"{target} would be written to {real / target.relative_to(existing)}, outside "
            f"the repository at {root}: {existing} leads out through a symbolic link",
            hint="Replace the linked folder with a real folder inside the repository.",
        )


def _write_temp(target: Path, data: bytes) -> Path:
    while True:
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(temp, flags, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _set_mode(target: Path, temp: Path, mode: int | None) -> None:
    if mode is not None:
        os.chmod(temp, mode)
        return
    # Keep an existing file's permissions; if that fails, the default mode is fine.
    with contextlib.suppress(OSError):
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o7777)


def _link_new(temp: Path, target: Path) -> bool:
    """Rename `temp` to `target` unless `target` exists (a hard link refuses atomically)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            return False
        os.replace(temp, target)
    return True


def _sync_folder(folder: Path) -> None:
    """Make the rename durable; not every platform can open a folder, which is fine."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
