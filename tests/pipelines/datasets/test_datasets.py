"""Each builder builds offline into a temporary directory and matches its documented statistics."""

import collections

import numpy as np
import pytest
import tensorflow_datasets as tfds

from pipelines import datasets as D  # noqa: N812 -- short alias, used on every line
from pipelines.datasets import cmudict_g2p, japanese_vowels, synthetic
from pipelines.datasets._source import SourceNotFoundError, source_file


def _counts(builder):
    return {name: split.num_examples for name, split in builder.info.splits.items()}


def test_japanese_vowels(data_dir):
    builder = D.build("japanese_vowels", data_dir)
    assert _counts(builder) == {"train": 270, "test": 370}
    lengths, labels = [], collections.Counter()
    for split in ("train", "test"):
        for e in tfds.as_numpy(builder.as_dataset(split=split)):
            assert e["features"].shape[1] == 12 and np.isfinite(e["features"]).all()
            lengths.append(len(e["features"]))
            labels[int(e["label"])] += 1
    assert (min(lengths), max(lengths)) == (7, 29)
    assert sorted(labels) == list(range(9))


def test_japanese_vowels_loads_with_tfds_load_and_no_network(data_dir):
    D.build("japanese_vowels", data_dir)
    ds = tfds.load(
        "japanese_vowels", split="test", data_dir=data_dir, try_gcs=False, download=False
    )
    assert sum(1 for _ in ds) == 370


def test_cmudict_g2p_split_by_word_without_leaks(data_dir):
    builder = D.build("cmudict_g2p", data_dir)
    counts = _counts(builder)
    assert sum(counts.values()) == 126_052
    assert 0.89 < counts["train"] / 126_052 < 0.91 and 0.04 < counts["test"] / 126_052 < 0.06
    words, several, phonemes = {}, 0, set()
    for split in counts:
        for e in tfds.as_numpy(builder.as_dataset(split=split)):
            word = e["word"].decode()
            assert word not in words, f"{word} in {words.get(word)} and {split}"
            words[word] = split
            prons = [p.decode() for p in e["pronunciations"]]
            several += len(prons) > 1
            for p in prons:
                phonemes.update(p.split())
    assert all(split == cmudict_g2p.split_of(word) for word, split in words.items())
    assert set("".join(words)) <= set("abcdefghijklmnopqrstuvwxyz'-.")
    assert len(phonemes) == 39 and not any(ch.isdigit() for p in phonemes for ch in p)
    assert 7_000 < several <= 8_447  # pronunciations differing only in stress merge


def test_cmudict_g2p_keeps_stress_on_request(data_dir):
    builder = D.build("cmudict_g2p/stress", data_dir)
    phonemes = set()
    for e in tfds.as_numpy(builder.as_dataset(split="validation")):
        for p in e["pronunciations"]:
            phonemes.update(p.decode().split())
    assert "AH0" in phonemes and "AH1" in phonemes and len(phonemes) > 60


def test_turkish_pos_official_split_and_tag_sets(data_dir):
    builder = D.build("turkish_pos", data_dir)
    assert _counts(builder) == {"train": 3881, "validation": 485, "test": 485}
    upos, xpos, sections = set(), set(), collections.Counter()
    for split in ("train", "validation", "test"):
        for e in tfds.as_numpy(builder.as_dataset(split=split)):
            assert len(e["tokens"]) == len(e["upos"]) == len(e["xpos"]) > 0
            upos.update(e["upos"])
            xpos.update(e["xpos"])
            sections[e["section"].decode()] += 1
    assert len(upos) == 14 and len(xpos) == 45
    assert sections == {"web": 2541, "wiki": 2310}


def test_sunspots_zhang_split(data_dir):
    assert _counts(D.build("sunspots", data_dir)) == {"train": 221, "test": 67, "rest": 21}
    years, values = D.load_series(data_dir, split="train+test")
    assert years[0] == 1700 and years[-1] == 1987 and (np.diff(years) == 1).all()
    assert values[0] == 5.0 and len(values) == 288


def test_adding_problem_custom_length_is_seeded(data_dir):
    config = synthetic.SyntheticConfig(length=37, num_train=64, num_test=16, seed=5)
    builder = D.build(D.AddingProblem(config=config, data_dir=data_dir))
    assert _counts(builder) == {"train": 64, "test": 16}
    expected_x, expected_y = synthetic.adding_problem(16, 37, seed=5 + 2)
    got = {float(e["target"]): e["inputs"] for e in tfds.as_numpy(builder.as_dataset(split="test"))}
    for x, y in zip(expected_x, expected_y):
        np.testing.assert_array_equal(got[float(y)], x)


def test_adding_problem_mean_baseline_is_one_sixth():
    x, y = synthetic.adding_problem(50_000, 20, seed=0)
    assert (x[..., 1].sum(axis=1) == 2).all()
    assert abs(np.mean((y - 1.0) ** 2) - 1 / 6) < 0.005


def test_copy_task_standard_config(data_dir):
    builder = D.build("copy_task/T50", data_dir)
    assert _counts(builder) == {"train": 10_000, "test": 1_000}
    e = next(iter(tfds.as_numpy(builder.as_dataset(split="test"))))
    assert e["inputs"].shape == e["targets"].shape == (70,)
    np.testing.assert_array_equal(e["targets"][-10:], e["inputs"][:10])
    assert e["inputs"][59] == synthetic.DELIMITER_ID and (e["targets"][:60] == 1).all()


def test_missing_source_names_the_pip_install(tmp_path):
    with pytest.raises(SourceNotFoundError, match=r"pip install --no-deps not-a-pkg==1\.0"):
        source_file(dataset="x", package="not-a-pkg", version="1.0", path_in_package="d/f.ts")


def test_manual_dir_wins_over_the_package(tmp_path):
    path = tmp_path / "JapaneseVowels_TRAIN.ts"
    path.write_text("@data\n1,2:3,4:1\n")
    found = source_file(
        dataset="japanese_vowels",
        package="aeon",
        version="1.6.0",
        path_in_package="aeon/datasets/data/JapaneseVowels/JapaneseVowels_TRAIN.ts",
        manual_dir=tmp_path,
    )
    assert found == path
    sequences, labels = japanese_vowels.parse_ts(found.read_text())
    assert sequences[0].tolist() == [[1, 3], [2, 4]] and labels == ["1"]


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match=r"Unknown dataset 'mnist'; expected one of"):
        D.builder("mnist")
