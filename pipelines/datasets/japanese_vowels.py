"""JapaneseVowels (UEA/UCI): many-to-one classification of variable-length speech features.

Source: the UEA archive's `.ts` files shipped in `aeon==1.6.0`
(`aeon/datasets/data/JapaneseVowels/JapaneseVowels_{TRAIN,TEST}.ts`).
Licence: data UCI Machine Learning Repository (CC BY 4.0); aeon is BSD-3.
Split: the official one, 270 train / 370 test utterances.
Statistics: 9 speakers (classes), 12 LPC cepstrum coefficients per step,
lengths 7-29 steps. Published test accuracy: FCN 0.993, InceptionTime 0.992.
"""

from __future__ import annotations

import numpy as np
import tensorflow_datasets as tfds

from pipelines.datasets._source import Shipped, ShippedFiles

NUM_FEATURES = 12
NUM_CLASSES = 9
_DIR = "aeon/datasets/data/JapaneseVowels"


def parse_ts(text: str) -> tuple[list[np.ndarray], list[str]]:
    """Parses a multivariate, variable-length `.ts` file (sktime/aeon format).

    Each data line is `dim1_values:dim2_values:...:label`, values
    comma-separated per dimension. Returns arrays `(time, dims)` and labels.

    Example:
    >>> seqs, labels = parse_ts("@data\\n1,2,3:4,5,6:a\\n7:8:b\\n")
    >>> [s.shape for s in seqs], labels
    ([(3, 2), (1, 2)], ['a', 'b'])
    """
    sequences, labels, in_data = [], [], False
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *dims, label = line.split(":")
        rows = [np.array(d.split(","), dtype=np.float32) for d in dims]
        if len({len(r) for r in rows}) != 1:
            raise ValueError(f"Line {line_number}: dimensions of different lengths.")
        sequences.append(np.stack(rows, axis=1))
        labels.append(label.strip())
    return sequences, labels


class JapaneseVowels(ShippedFiles, tfds.core.GeneratorBasedBuilder):
    """JapaneseVowels, official split (see the module docstring)."""

    SOURCE = Shipped("aeon", "1.6.0", ("JapaneseVowels_TRAIN.ts", "JapaneseVowels_TEST.ts"))
    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "Official 270/370 split, read offline from aeon 1.6.0."}

    def _info(self) -> tfds.core.DatasetInfo:
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "features": tfds.features.Tensor(shape=(None, NUM_FEATURES), dtype=np.float32),
                    "label": tfds.features.ClassLabel(num_classes=NUM_CLASSES),
                }
            ),
            supervised_keys=("features", "label"),
            homepage="https://archive.ics.uci.edu/dataset/128/japanese+vowels",
        )

    def _split_generators(self, dl_manager):
        paths = {split: self.shipped_file(dl_manager, f"{_DIR}/JapaneseVowels_{split.upper()}.ts")
                 for split in ("train", "test")}
        return {split: self._generate_examples(path) for split, path in paths.items()}

    def _generate_examples(self, path):
        sequences, labels = parse_ts(path.read_text())
        for i, (sequence, label) in enumerate(zip(sequences, labels)):
            yield i, {"features": sequence, "label": int(label) - 1}
