"""The demos: the main job end to end on a slice of CMUdict (train, score, export,
TF-only reload), and the JapaneseVowels classifier."""

import pytest
import tensorflow as tf

from seqmodels.export import read_metadata
from seqmodels.runs import demo


@pytest.mark.slow
def test_main_job_trains_scores_exports_and_serves_from_a_tensorflow_only_process(
        data_dir, tmp_path):
    result = demo.run(minutes=0.02, units=16, limit=200, data_dir=data_dir, verbose=0,
                     export_dir=str(tmp_path / "g2p"))
    assert result["export"] == str(tmp_path / "g2p" / "1")
    assert result["train_words"] == result["test_words"] == 200
    metadata = read_metadata(result["export"])
    for name in ("greedy", "beam4"):
        assert 0.0 <= result[name]["wer"] <= 1.0 and result[name]["words"] == 200
        assert metadata["metrics"][name]["wer"] == result[name]["wer"]
    # what the TensorFlow-only process printed is what the SavedModel returns here
    loaded = tf.saved_model.load(result["export"])
    here = loaded.signatures["serving_default"](inputs=tf.constant(demo.NEW_WORDS))["outputs"]
    assert list(result["pronunciations"]) == demo.NEW_WORDS
    assert list(result["pronunciations"].values()) == [s.decode() for s in here.numpy()]


@pytest.mark.slow
def test_vowels_demo_learns_far_above_chance(data_dir):
    result = demo.run_vowels(epochs=8, data_dir=data_dir)
    assert result["test_accuracy"] > 0.6  # chance is 1/9
