"""Versioned, atomic SavedModel directories in the TF Serving layout.

    saved_models/<name>/
        1/                  a complete SavedModel + seqmodels.json
        2/
        .partial-<pid>-<hex>/   an export in progress (never an integer name)

TF Serving (and `latest_version`) only look at directories whose name is an
integer. An export writes everything into a hidden partial directory and
renames it to the next free integer as its last step; a rename is atomic on
POSIX, so a version directory appears complete or not at all. A process
killed during an export leaves only a partial directory, which the next
export removes once the process that wrote it is gone.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import uuid
from collections.abc import Callable

METADATA_FILE = "seqmodels.json"
PARTIAL_PREFIX = ".partial-"


def versions(base: str | os.PathLike) -> list[int]:
    """The integer versions under `base`, ascending (empty if `base` does not exist)."""
    base = pathlib.Path(base)
    if not base.is_dir():
        return []
    return sorted(int(p.name) for p in base.iterdir() if p.is_dir() and p.name.isdigit())


def latest_version(base: str | os.PathLike) -> pathlib.Path:
    """The directory of the highest version under `base`.

    Raises:
        FileNotFoundError: naming `base` when it holds no version.
    """
    found = versions(base)
    if not found:
        raise FileNotFoundError(
            f"No exported version under {os.fspath(base)!r}: expected integer-named "
            "directories such as 1/, 2/ (the TF Serving layout).")
    return pathlib.Path(base) / str(found[-1])


def read_metadata(version_dir: str | os.PathLike) -> dict:
    """The `seqmodels.json` written beside an exported graph."""
    with open(pathlib.Path(version_dir) / METADATA_FILE, encoding="utf-8") as f:
        return json.load(f)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_partials(base: pathlib.Path) -> list[pathlib.Path]:
    """Deletes partial directories whose writing process no longer runs; returns them."""
    removed = []
    for path in base.glob(PARTIAL_PREFIX + "*"):
        pid = path.name[len(PARTIAL_PREFIX):].split("-")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def write_version(
    base: str | os.PathLike,
    write: Callable[[pathlib.Path], None],
    metadata: dict,
    *,
    version: int | None = None,
) -> pathlib.Path:
    """Runs `write(partial_dir)`, adds `seqmodels.json`, then publishes it as `base/<version>`.

    Args:
        base: the model's directory (`saved_models/<name>`); created if missing.
        write: writes a SavedModel into the (not yet existing) directory it is given.
        metadata: JSON-serialisable dict; `version` is added to it.
        version: int or None. None takes one more than the highest existing version.

    Returns:
        The published version directory.

    Raises:
        FileExistsError: when an explicit `version` exists already.
    """
    base = pathlib.Path(base)
    _check_base(base)
    if version is not None and (not isinstance(version, int) or version < 1):
        raise ValueError(f"Expected `version` to be a positive integer. Received: {version!r}")
    if version is not None and (base / str(version)).exists():
        raise _exists(base / str(version))  # before any writing
    base.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(base)
    partial = base / f"{PARTIAL_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        write(partial)
        chosen = version or (max(versions(base), default=0) + 1)
        _write_metadata(partial, metadata, chosen)
        return _publish(partial, base, metadata, chosen, explicit=version is not None)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def _check_base(base: pathlib.Path) -> None:
    """Refuses, before any work, a `base` that is a file or a folder this process cannot write."""
    if base.exists() and not base.is_dir():
        raise ValueError(f"Expected the export directory to be a folder. Received: "
                         f"{os.fspath(base)!r}, which is a file.")
    existing = next((p for p in (base, *base.parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f"Cannot write the export under {os.fspath(base)!r}: "
                              f"{os.fspath(existing)!r} is not writable by this user.")


def _exists(target: pathlib.Path) -> FileExistsError:
    return FileExistsError(
        f"Version {target.name} exists already at {os.fspath(target)!r}; versions are "
        "never overwritten. Pass another version, or None for the next one.")


def _write_metadata(directory: pathlib.Path, metadata: dict, version: int) -> None:
    (directory / METADATA_FILE).write_text(
        json.dumps({**metadata, "version": version}, indent=2, default=str) + "\n",
        encoding="utf-8")


def _publish(partial: pathlib.Path, base: pathlib.Path, metadata: dict, version: int, *,
             explicit: bool):
    """Renames `partial` to `base/<version>`: the atomic last step.

    Without an explicit version, a number a concurrent export took first is skipped;
    the metadata is rewritten inside `partial` first, so what appears is always complete.
    """
    while True:
        target = base / str(version)
        try:
            if target.exists():
                raise FileExistsError(target)
            os.rename(partial, target)  # fails if a non-empty `target` appeared meanwhile
            return target
        except OSError:
            if not target.exists():
                raise
            if explicit:
                raise _exists(target) from None
            version += 1
            _write_metadata(partial, metadata, version)


__all__ = ["METADATA_FILE", "latest_version", "read_metadata", "remove_stale_partials",
           "versions", "write_version"]
