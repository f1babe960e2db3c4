"""OneToMany: step path == teacher-forced path for every conditioning; round trip; generation."""

import numpy as np
import pytest

from seqmodels.models import OneToMany
from tests.seqmodels.models.helpers import reload


@pytest.mark.parametrize("conditioning", ["initial_state", "every_step", "both"])
def test_step_path_equals_teacher_forced_path(rng, conditioning):
    batch = {"vector": rng.normal(size=(3, 4)).astype("float32"),
             "decoder_inputs": np.array([[2, 5, 6, 7], [2, 8, 0, 0], [2, 4, 4, 0]])}
    model = OneToMany(10, embedding_dim=4, units=8, num_layers=2, conditioning=conditioning)
    full = np.asarray(model(batch))
    state, steps = model.encode(batch), []
    for t in range(4):
        logits, state, _ = model.decode_step(batch["decoder_inputs"][:, t], state)
        steps.append(np.asarray(logits))
    real = batch["decoder_inputs"] != 0
    np.testing.assert_allclose(np.stack(steps, 1)[real], full[real], atol=1e-5)


def test_round_trip_and_greedy_generation_agree(rng):
    vector = rng.normal(size=(2, 3)).astype("float32")
    model = OneToMany(9, embedding_dim=4, cell="gru", units=6, conditioning="every_step",
                      dropout=0.1)
    model({"vector": vector, "decoder_inputs": np.array([[2, 4], [2, 5]])})
    loaded = reload(model)
    assert loaded.get_config() == model.get_config()
    a = model.generate({"vector": vector}, max_length=6)
    b = loaded.generate({"vector": vector}, max_length=6)
    np.testing.assert_array_equal(np.asarray(a["tokens"]), np.asarray(b["tokens"]))


def test_vector_of_wrong_rank_is_refused():
    with pytest.raises(ValueError, match=r"`vector` of shape \(batch, features\).*\(2, 3, 1\)"):
        OneToMany(5).encode({"vector": np.ones((2, 3, 1), "float32")})
