import struct

import keras
import numpy as np
import pytest

from seqmodels.diagnostics import attention_weights, diagonal_mass, monotonic_share, plots
from seqmodels.models import EncoderDecoder, ManyToOne


def test_alignments_are_cut_to_each_example_and_rows_sum_to_one():
    keras.utils.set_random_seed(0)
    model = EncoderDecoder(9, 7, embedding_dim=4, units=6, attention="luong")
    batch = {"inputs": np.array([[3, 4, 5, 0], [6, 7, 0, 0]]),
             "decoder_inputs": np.array([[2, 4, 5], [2, 6, 0]])}
    alignments = attention_weights(model, batch)
    assert [a.shape for a in alignments] == [(3, 3), (2, 2)]
    for a in alignments:
        np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-5)
    assert 0.0 < diagonal_mass(alignments) <= 1.0


def test_alignment_statistics_on_known_matrices():
    shifted = np.roll(np.eye(4), 1, axis=1)  # each row looks one step ahead, the last wraps
    assert diagonal_mass([shifted], band=0) == pytest.approx(0.0)
    assert diagonal_mass([shifted], band=1) == pytest.approx(0.75)
    assert monotonic_share([shifted]) == pytest.approx(2 / 3)
    stretched = np.repeat(np.eye(2), 2, axis=1) / 2  # 2 outputs over 4 sources
    assert diagonal_mass([stretched], band=1) == pytest.approx(1.0)


def test_attention_weights_refuses_a_model_without_attention():
    with pytest.raises(ValueError, match="needs an EncoderDecoder with attention"):
        attention_weights(ManyToOne(2, units=3), {"inputs": np.zeros((1, 2, 1))})
    model = EncoderDecoder(9, 7, embedding_dim=4, units=6, attention="luong")
    with pytest.raises(ValueError, match="decoder_inputs"):
        attention_weights(model, {"inputs": np.array([[3, 4]])})


def _png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_plots_write_png_files(tmp_path):
    rng = np.random.default_rng(0)
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    written = [
        plots.training_curves(history, tmp_path / "curves.png"),
        plots.gradient_norms({"gru": 0.5 ** np.arange(10)}, tmp_path / "grads.png"),
        plots.trajectories([rng.normal(size=(5, 2))] * 3, tmp_path / "t1.png", labels=[0, 1, 1]),
        plots.trajectories([rng.normal(size=(5, 2))], tmp_path / "t2.png"),
        plots.attention_heatmaps([np.eye(3)], tmp_path / "att.png", sources=[list("cat")],
                                 targets=[["K", "AE", "T"]]),
        plots.unit_heatmap(rng.normal(size=(6, 4)), tmp_path / "units.png"),
        plots.saliency(np.array([0.1, np.nan, 0.3]), tmp_path / "sal.png"),
    ]
    for path in written:
        width, height = _png_size(path)
        assert width > 300 and height > 200
    with pytest.raises(ValueError, match="Received keys"):
        plots.training_curves({"val_loss": [1.0]}, tmp_path / "bad.png")


def test_exposure_bias_is_zero_on_the_model_s_own_outputs_and_measured_otherwise():
    from seqmodels.diagnostics import exposure_bias

    keras.utils.set_random_seed(0)
    model = EncoderDecoder(9, 8, embedding_dim=4, units=8, attention="luong")
    sources = np.array([[4, 5, 6], [7, 8, 0]])
    # labels = the model's own greedy outputs: both passes see the same history
    own = np.asarray(model.generate({"inputs": sources}, "greedy", max_length=4)["tokens"])[:, 0]
    labels = np.where(np.cumsum(own == 3, axis=1) - (own == 3) > 0, 0, own)  # pad after </s>
    decoder_inputs = np.concatenate([np.full((2, 1), 2), labels[:, :-1]], axis=1)
    decoder_inputs[labels == 0] = 0
    batch = {"inputs": sources, "decoder_inputs": decoder_inputs}
    result = exposure_bias(model, batch, labels)
    assert result["teacher_forced"] == 1.0 and result["free_running"] == 1.0
    assert result["gap"] == 0.0 and result["tokens"] == int((labels != 0).sum())
    shifted = np.where(labels != 0, np.maximum((labels + 1) % 8, 4), 0)  # every label wrong
    assert exposure_bias(model, batch, shifted)["free_running"] == 0.0
