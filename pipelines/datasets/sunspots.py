"""Yearly sunspot numbers 1700-2008: forecasting (many-to-one windows).

Source: `statsmodels/datasets/sunspots/sunspots.csv` in `statsmodels` 0.14
(read by path). Licence: public domain (statsmodels is BSD-3).
Split: Zhang (2003)'s protocol: fit on 1700-1920 (`train`, 221 years), one-step
forecasts for 1921-1987 (`test`, 67 years); 1988-2008 is `rest` (21 years).
Published: AR(9) with constant MSE 305.2 / MAD 12.75 on the 67 test years;
persistence MSE 920.7.

One example per year. TFDS does not keep file order: use `load_series` for
the series in year order.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import tensorflow_datasets as tfds

from pipelines.datasets._source import Shipped, ShippedFiles

_PATH = "statsmodels/datasets/sunspots/sunspots.csv"
SPLIT_YEARS = {"train": (1700, 1920), "test": (1921, 1987), "rest": (1988, 2008)}


def parse_csv(text: str) -> list[tuple[int, float]]:
    """`"YEAR","SUNACTIVITY"` rows -> [(year, value), ...].

    Example:
    >>> parse_csv('"YEAR","SUNACTIVITY"\\n1700,5\\n1701,11\\n')
    [(1700, 5.0), (1701, 11.0)]
    """
    rows = list(csv.reader(io.StringIO(text)))
    return [(int(float(year)), float(value)) for year, value in rows[1:] if year]


class Sunspots(ShippedFiles, tfds.core.GeneratorBasedBuilder):
    """Yearly sunspots with Zhang's split (see the module docstring)."""

    SOURCE = Shipped("statsmodels", "0.14.6", ("sunspots.csv",))
    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Zhang (2003) split: train 1700-1920, test 1921-1987."}

    def _info(self) -> tfds.core.DatasetInfo:
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict({"year": np.int32, "sunactivity": np.float32}),
            supervised_keys=("year", "sunactivity"),
            homepage="https://www.statsmodels.org/stable/datasets/generated/sunspots.html",
        )

    def _split_generators(self, dl_manager):
        path = self.shipped_file(dl_manager, _PATH)
        rows = parse_csv(path.read_text())
        return {split: self._generate_examples(rows, split) for split in SPLIT_YEARS}

    def _generate_examples(self, rows, split):
        first, last = SPLIT_YEARS[split]
        for year, value in rows:
            if first <= year <= last:
                yield year, {"year": year, "sunactivity": value}


def load_series(
    data_dir: str | None = None, split: str = "train+test"
) -> tuple[np.ndarray, np.ndarray]:
    """The built dataset as `(years, values)` sorted by year (builds it offline if needed)."""
    from pipelines.datasets.registry import load

    rows = [(int(e["year"]), float(e["sunactivity"])) for e in load("sunspots", split, data_dir)]
    rows.sort()
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows], dtype=np.float32)
