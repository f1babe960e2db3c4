"""The offline datasets by name: build them with TFDS and load them without network.

    build("japanese_vowels")                 # reads aeon's files, writes TFDS records
    load("japanese_vowels", "train")         # tfds.load(..., try_gcs=False, download=False)
    load("adding_problem/T200", "test")      # a named config
    build(AddingProblem(config=SyntheticConfig(length=37)))   # or a builder of your own

`data_dir` defaults to `$SEQMODELS_DATA_DIR`, else TFDS's default (~/tensorflow_datasets).
"""

from __future__ import annotations

import os

import tensorflow_datasets as tfds

from pipelines.datasets.cmudict_g2p import CmudictG2p
from pipelines.datasets.japanese_vowels import JapaneseVowels
from pipelines.datasets.sunspots import Sunspots
from pipelines.datasets.synthetic import AddingProblem, CopyTask
from pipelines.datasets.turkish_pos import TurkishPos

DATASETS: dict[str, type[tfds.core.GeneratorBasedBuilder]] = {
    "japanese_vowels": JapaneseVowels,
    "cmudict_g2p": CmudictG2p,
    "turkish_pos": TurkishPos,
    "sunspots": Sunspots,
    "adding_problem": AddingProblem,
    "copy_task": CopyTask,
}


def default_data_dir() -> str | None:
    return os.environ.get("SEQMODELS_DATA_DIR") or None


def builder(name: str, data_dir: str | None = None) -> tfds.core.DatasetBuilder:
    """The TFDS builder of `name` ("dataset" or "dataset/config")."""
    base = name.split("/", 1)[0].split(":", 1)[0]
    if base not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; expected one of {sorted(DATASETS)}.")
    return tfds.builder(name, data_dir=data_dir or default_data_dir())


def build(
    name_or_builder: str | tfds.core.DatasetBuilder,
    data_dir: str | None = None,
    *,
    manual_dir: str | None = None,
) -> tfds.core.DatasetBuilder:
    """Builds a dataset offline (a no-op when already built) and returns its builder."""
    if isinstance(name_or_builder, str):
        b = builder(name_or_builder, data_dir)
    else:
        b = name_or_builder
    b.download_and_prepare(
        download_config=tfds.download.DownloadConfig(manual_dir=manual_dir, try_download_gcs=False)
    )
    return b


def load(name: str, split: str, data_dir: str | None = None, **kwargs):
    """Builds if needed, then `tfds.load` with no network use."""
    b = build(name, data_dir)
    return b.as_dataset(split=split, **kwargs)
