"""Turkish Web Treebank part-of-speech tagging: many-to-many aligned (one tag per token).

Source: CoNLL-U files `data/web.conllu` and `data/wiki.conllu` shipped in
`turkish-treebanks==1.0.0` (installed as a top-level `data/` folder).
Licence: Apache-2.0. Split: the package's official index-based rule, applied
to each file by the sentence's index i in that file: i % 10 < 8 train,
== 8 validation (the package's "dev"), == 9 test.
Statistics: 4,851 sentences (2,541 web + 2,310 wiki), 14 UPOS tags, 45 XPOS
tags. Most-frequent-tag floor: UPOS 89.4%, XPOS 84.3% (OOV rate 21.5%).
Tags are stored as strings; build a vocabulary of tags from the train split.
"""

from __future__ import annotations

import tensorflow_datasets as tfds

from pipelines.datasets._source import Shipped, ShippedFiles

SECTIONS = ("web", "wiki")
SPLIT_OF_INDEX = {**{r: "train" for r in range(8)}, 8: "validation", 9: "test"}


def parse_conllu(text: str) -> list[dict]:
    """CoNLL-U text -> sentences `{"sent_id", "tokens", "upos", "xpos"}` (multiword ranges skipped).

    Example:
    >>> s = parse_conllu("# sent_id = 1\\n1\\tA\\ta\\tNOUN\\tNN\\t_\\t0\\troot\\t_\\t_\\n")
    >>> s[0]["tokens"], s[0]["upos"], s[0]["xpos"]
    (['A'], ['NOUN'], ['NN'])
    """
    sentences = []
    for block in text.strip().split("\n\n"):
        sentence = {"sent_id": "", "tokens": [], "upos": [], "xpos": []}
        for line in block.strip().splitlines():
            if line.startswith("# sent_id = "):
                sentence["sent_id"] = line[len("# sent_id = ") :].strip()
                continue
            fields = line.split("\t")
            if line.startswith("#") or len(fields) != 10 or not fields[0].isdigit():
                continue
            sentence["tokens"].append(fields[1])
            sentence["upos"].append(fields[3])
            sentence["xpos"].append(fields[4])
        if sentence["tokens"]:
            sentences.append(sentence)
    return sentences


class TurkishPos(ShippedFiles, tfds.core.GeneratorBasedBuilder):
    """Turkish Web Treebank POS, official index split (see the module docstring)."""

    SOURCE = Shipped("turkish-treebanks", "1.0.0", ("web.conllu", "wiki.conllu"))
    VERSION = tfds.core.Version("1.0.0")
    RELEASE_NOTES = {"1.0.0": "web + wiki sections, official index-based split."}

    def _info(self) -> tfds.core.DatasetInfo:
        text_sequence = tfds.features.Sequence(tfds.features.Text())
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "section": tfds.features.Text(),
                    "sent_id": tfds.features.Text(),
                    "tokens": text_sequence,
                    "upos": text_sequence,
                    "xpos": text_sequence,
                }
            ),
            supervised_keys=("tokens", "upos"),
            homepage="https://github.com/google-research-datasets/turkish-treebanks",
        )

    def _split_generators(self, dl_manager):
        paths = {section: self.shipped_file(dl_manager, f"data/{section}.conllu")
                 for section in SECTIONS}
        return {
            split: self._generate_examples(paths, split)
            for split in ("train", "validation", "test")
        }

    def _generate_examples(self, paths, split):
        for section, path in paths.items():
            for i, sentence in enumerate(parse_conllu(path.read_text(encoding="utf-8"))):
                if SPLIT_OF_INDEX[i % 10] == split:
                    yield f"{section}-{i}", {"section": section, **sentence}
