"""Every model refuses a call that does not fit it, naming the argument, before any work."""

import numpy as np
import pytest

from seqmodels.models import EncoderDecoder, ManyToOne, OneToMany

pytestmark = pytest.mark.tensorflow_only


def test_a_feature_model_refuses_features_masks_and_empty_sequences_that_do_not_fit():
    model = ManyToOne(3, units=4)
    x = np.ones((2, 5, 3), "float32")
    model(x)
    with pytest.raises(ValueError, match=r"`inputs` with 3 features per step.*\(2, 5, 4\)"):
        model(np.ones((2, 5, 4), "float32"))
    with pytest.raises(ValueError, match=r"`inputs_mask` of shape \(batch, time\) = \(2, 5\)"):
        model({"inputs": x, "inputs_mask": np.ones((2, 4), bool)})
    with pytest.raises(ValueError, match="`inputs_mask` of dtype bool.*dtype=string"):
        model({"inputs": x, "inputs_mask": np.full((2, 5), "yes")})
    with pytest.raises(ValueError, match=r"at least one time step.*\(2, 0, 3\)"):
        model(np.ones((2, 0, 3), "float32"))


def test_token_models_refuse_ids_outside_their_vocabulary_eagerly_and_in_graph():
    model = ManyToOne(3, vocabulary_size=10, units=4)
    model(np.ones((2, 5), "int32"))
    for bad in (-1, 10, 12):
        with pytest.raises(ValueError, match=rf"`inputs` token ids in \[0, 10\).*inputs={bad}"):
            model(np.full((2, 5), bad, "int32"))
    # Inside predict's graph, the in-graph assertion names the input.
    with pytest.raises(Exception, match=r"Expected `inputs` token ids in \[0, 10\)"):
        model.predict(np.full((2, 5), 12, "int32"), verbose=0)


def test_an_encoder_decoder_names_which_side_is_wrong():
    model = EncoderDecoder(10, 12, units=8, embedding_dim=4)
    batch = {"inputs": np.ones((2, 5), "int32"), "decoder_inputs": np.ones((2, 4), "int32")}
    model(batch)
    with pytest.raises(ValueError, match=r"`inputs` token ids in \[0, 10\).*inputs=11"):
        model({**batch, "inputs": np.full((2, 5), 11, "int32")})
    with pytest.raises(ValueError, match=r"`decoder_inputs` token ids in \[0, 12\).*=-3"):
        model({**batch, "decoder_inputs": np.full((2, 4), -3, "int32")})
    with pytest.raises(ValueError, match=r"same batch size.*inputs.shape\[0\]=2, "
                                         r"decoder_inputs.shape\[0\]=3"):
        model({**batch, "decoder_inputs": np.ones((3, 4), "int32")})
    state = model.encode(batch)
    with pytest.raises(ValueError, match=r"`tokens` token ids in \[0, 12\).*tokens=12"):
        model.decode_step(np.array([1, 12], "int32"), state)
    with pytest.raises(ValueError, match=r"`inputs` token ids in \[0, 10\)"):
        model.generate(np.full((2, 5), 10, "int32"), max_length=3)


def test_a_one_to_many_model_refuses_decoder_ids_outside_its_vocabulary():
    model = OneToMany(vocabulary_size=9, units=4)
    batch = {"vector": np.ones((2, 3), "float32"), "decoder_inputs": np.ones((2, 4), "int32")}
    model(batch)
    with pytest.raises(ValueError, match=r"`decoder_inputs` token ids in \[0, 9\).*=9"):
        model({**batch, "decoder_inputs": np.full((2, 4), 9, "int32")})
