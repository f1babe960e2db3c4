import keras
import numpy as np
import pytest

from seqmodels.diagnostics import (
    hidden_states,
    initial_state_sensitivity,
    input_saliency,
    project_trajectories,
)
from seqmodels.models import AlignedManyToMany, ManyToOne
from tests.seqmodels.diagnostics.conftest import contracting_elman


def _batch():
    x = np.random.default_rng(0).normal(size=(3, 6, 2)).astype("float32")
    mask = np.arange(6)[None, :] < np.array([[6], [3], [5]])
    return {"inputs": x, "inputs_mask": mask}, mask


def test_hidden_states_are_the_encoder_outputs_at_real_steps():
    keras.utils.set_random_seed(0)
    model = ManyToOne(2, cell="lstm", units=4, bidirectional=True, num_layers=2)
    batch, mask = _batch()
    states = hidden_states(model, batch)
    outputs, _, _ = model.encode(batch)
    both = np.concatenate([states["encoder/forward_recurrent_1"],
                           states["encoder/backward_recurrent_1"]], axis=-1)
    np.testing.assert_allclose(both[mask], np.asarray(outputs)[mask], rtol=1e-5, atol=1e-6)
    assert np.isnan(both[~mask]).all()


def test_trajectories_share_pca_axes_and_keep_real_steps_only():
    keras.utils.set_random_seed(0)
    model = AlignedManyToMany(2, units=6, cell="gru")
    batch, mask = _batch()
    paths, pca = project_trajectories(hidden_states(model, batch)["encoder/recurrent_0"])
    assert [p.shape for p in paths] == [(6, 2), (3, 2), (5, 2)]
    # states on a line: the first component holds everything
    line = np.linspace(0, 1, 8)[None, :, None] * np.array([1.0, -2.0, 0.5])
    _, pca = project_trajectories(line)
    assert pca.explained_variance_ratio_[0] == pytest.approx(1.0)


def test_initial_state_is_forgotten_at_the_rate_of_the_recurrence():
    # tanh is linear near 0: a small h_0 change shrinks by 0.5 per step.
    model = contracting_elman(decay=0.5)
    x = np.zeros((8, 10, 1), "float32")
    result = initial_state_sensitivity(model, x, lengths=[1, 2, 3, 6], scale=1e-3)
    assert result[2] / result[1] == pytest.approx(0.5, rel=1e-3)
    assert result[6] / result[3] == pytest.approx(0.125, rel=1e-3)
    with pytest.raises(ValueError, match=r"lengths in \[1, 10\]"):
        initial_state_sensitivity(model, x, lengths=[11])


def test_saliency_of_a_contracting_recurrence_is_geometric():
    # y = h_T with h_t = tanh(x_t + 0.5 h_{t-1}): at x = 0, dy/dx_t = 0.5^(T - t).
    model = contracting_elman(decay=0.5, input_weight=1.0)
    x = np.zeros((2, 5, 1), "float32")
    mask = np.array([[True] * 5, [True] * 3 + [False] * 2])
    values = input_saliency(model, {"inputs": x, "inputs_mask": mask})
    np.testing.assert_allclose(values[0], 0.5 ** np.arange(4, -1, -1), rtol=1e-6)
    np.testing.assert_allclose(values[1, :3], 0.5 ** np.arange(2, -1, -1), rtol=1e-6)
    assert np.isnan(values[1, 3:]).all()


def test_saliency_of_token_inputs_is_over_embeddings():
    keras.utils.set_random_seed(0)
    model = ManyToOne(3, vocabulary_size=10, embedding_dim=4, units=4, bidirectional=True)
    values = input_saliency(model, np.array([[3, 4, 5, 0], [6, 7, 0, 0]]))
    assert np.isfinite(values[0, :3]).all() and np.isnan(values[0, 3])
    assert np.isnan(values[1, 2:]).all() and (values[1, :2] > 0).all()


def test_every_diagnostic_gives_the_same_answer_on_a_reloaded_model(tmp_path):
    model = contracting_elman(decay=0.7, input_weight=0.5)
    model.save(tmp_path / "m.keras")
    reloaded = keras.saving.load_model(tmp_path / "m.keras", safe_mode=True)
    x = np.random.default_rng(0).normal(size=(3, 6, 1)).astype("float32")
    batch = {"inputs": x, "inputs_mask": np.arange(6)[None, :] < np.array([[6], [4], [2]])}
    for diagnostic in (hidden_states,
                       lambda m, b: initial_state_sensitivity(m, b, lengths=[2, 6]),
                       input_saliency):
        np.testing.assert_equal(diagnostic(reloaded, batch), diagnostic(model, batch))
