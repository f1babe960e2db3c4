import keras
import numpy as np
import pytest

from seqmodels.diagnostics import decay_distance, recurrent_layers, state_gradients
from seqmodels.diagnostics.probe import StateProbe, probing
from seqmodels.models import AlignedManyToMany, EncoderDecoder, ManyToOne
from tests.seqmodels.diagnostics.conftest import contracting_elman

LAYER = "encoder/recurrent_0"


def test_gradient_of_a_contracting_recurrence_halves_per_step(elman):
    # y = h_T = 0 and loss = (y - 1)^2, so |dL/dh_T| = 2 and |dL/dh_t| = 2 * 0.5^(T - t).
    x = np.zeros((1, 6, 1), "float32")
    grads = state_gradients(elman, x, np.ones((1, 1), "float32"))
    np.testing.assert_allclose(grads.norms[LAYER][0], 2 * 0.5 ** np.arange(5, -1, -1), rtol=1e-6)
    np.testing.assert_allclose(grads.by_distance(LAYER), 2 * 0.5 ** np.arange(6), rtol=1e-6)
    assert grads.loss == pytest.approx(1.0)
    assert decay_distance(grads.by_distance(LAYER), 10) == 4  # 2 -> 0.125 <= 0.2
    assert decay_distance(grads.by_distance(LAYER), 1000) is None


def test_padded_steps_are_excluded_and_do_not_change_the_real_ones(elman):
    x = np.zeros((2, 6, 1), "float32")
    mask = np.array([[True] * 6, [True] * 4 + [False] * 2])
    grads = state_gradients(elman, {"inputs": x, "inputs_mask": mask}, np.ones((2, 1), "float32"))
    norms = grads.norms[LAYER]
    assert np.isnan(norms[1, 4:]).all()
    np.testing.assert_allclose(norms[1, :4], 2 * 0.5 ** np.arange(3, -1, -1), rtol=1e-6)
    # aligned at each sequence's end, both sequences give the same curve
    np.testing.assert_allclose(grads.by_distance(LAYER)[:4], 2 * 0.5 ** np.arange(4), rtol=1e-6)


@pytest.mark.parametrize("cell", ["elman", "gru", "lstm", "mingru", "minlstm"])
def test_the_probe_leaves_every_cell_s_function_unchanged(cell):
    keras.utils.set_random_seed(1)
    model = ManyToOne(3, cell=cell, units=5, bidirectional=True, num_layers=2)
    x = np.random.default_rng(0).normal(size=(3, 7, 2)).astype("float32")
    mask = np.arange(7)[None, :] < np.array([[7], [4], [1]])
    batch = {"inputs": x, "inputs_mask": mask}
    plain = np.asarray(model(batch))
    layers = recurrent_layers(model)
    assert sorted(layers) == [f"encoder/{d}_recurrent_{i}" for d in ("backward", "forward")
                              for i in (0, 1)]
    with probing(layers, {p: StateProbe() for p in layers}):
        probed = np.asarray(model(batch))
    np.testing.assert_allclose(probed, plain, rtol=1e-5, atol=1e-6)
    grads = state_gradients(model, batch, np.array([0, 1, 2]))
    for path, norms in grads.norms.items():
        assert np.isnan(norms[2, 1:]).all() and np.isfinite(norms[2, 0]), path
        assert (norms[0] > 0).all(), path


def test_bidirectional_backward_direction_decays_towards_the_end():
    # Summary = [forward h_T, backward h_1]: the backward layer's loss end is step 0.
    keras.utils.set_random_seed(0)
    model = ManyToOne(1, task="regression", cell="gru", units=4, bidirectional=True)
    x = np.random.default_rng(0).normal(size=(4, 30, 1)).astype("float32")
    grads = state_gradients(model, x, np.ones((4, 1), "float32"))
    forward = grads.by_distance("encoder/forward_recurrent_0")
    backward = grads.by_distance("encoder/backward_recurrent_0", reverse=True)
    assert forward[0] > 10 * forward[-1]
    assert backward[0] > 10 * backward[-1]


def test_encoder_decoder_and_tagger_layers_are_all_probed():
    keras.utils.set_random_seed(0)
    model = EncoderDecoder(9, 7, embedding_dim=4, units=6, attention="luong")
    batch = {"inputs": np.array([[3, 4, 5, 0]]), "decoder_inputs": np.array([[2, 4, 5]])}
    grads = state_gradients(model, batch, np.array([[4, 5, 3]]))
    assert sorted(grads.norms) == ["decoder/recurrent_0", "encoder/backward_recurrent_0",
                                   "encoder/forward_recurrent_0"]
    assert np.isnan(grads.norms["encoder/forward_recurrent_0"][0, 3])
    assert grads.norms["decoder/recurrent_0"].shape == (1, 3)
    tagger = AlignedManyToMany(3, vocabulary_size=9, units=4, cell="gru")
    grads = state_gradients(tagger, np.array([[3, 4, 0]]), np.array([[1, 2, 0]]),
                            sample_weight=np.array([[1.0, 1.0, 0.0]]))
    norms = grads.norms[LAYER][0]
    assert np.isfinite(norms[:2]).all() and np.isnan(norms[2])


def test_works_on_a_model_reloaded_from_keras_file(tmp_path):
    model = contracting_elman(decay=0.8)
    path = tmp_path / "m.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path, safe_mode=True)
    x = np.zeros((1, 5, 1), "float32")
    y = np.ones((1, 1), "float32")
    np.testing.assert_allclose(state_gradients(reloaded, x, y).norms[LAYER],
                               state_gradients(model, x, y).norms[LAYER])


def test_a_model_without_recurrent_layers_is_refused():
    dense = keras.Sequential([keras.layers.Dense(2)])
    dense(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="no seqmodels `Recurrent` layer"):
        state_gradients(dense, np.zeros((1, 3)), np.zeros((1,)))
