"""The decoders as layers: each rebuilt from its config, and the deprecated DecoderStack."""

import numpy as np
import pytest

from seqmodels.models.decoders import DECODERS, DecoderStack, PlainDecoder


@pytest.mark.parametrize("attention", list(DECODERS), ids=str)
def test_every_decoder_is_rebuilt_from_its_config(attention):
    options = {"attention_units": 3, "scheduled_sampling": True} if attention == "bahdanau" else {}
    decoder = DECODERS[attention]("gru", 5, num_layers=2, dropout=0.1, recurrent_dropout=0.2,
                                  layer_dropout=0.3, bridge="dense", **options)
    config = decoder.get_config()
    assert type(decoder).from_config(config).get_config() == config
    assert {k: config[k] for k in ("cell", "units", "num_layers", "bridge")} == {
        "cell": "gru", "units": 5, "num_layers": 2, "bridge": "dense"}


def test_the_deprecated_decoder_stack_runs_the_plain_decoders_cells():
    with pytest.warns(DeprecationWarning, match="use `seqmodels.models.PlainDecoder`"):
        stack = DecoderStack("lstm", 4, num_layers=2)
    plain = PlainDecoder("lstm", 4, num_layers=2)
    x = np.random.default_rng(0).normal(size=(2, 3, 5)).astype("float32")
    states = [np.zeros((2, 4), "float32")] * 4
    stack(x, states)  # builds
    plain.build(x.shape)
    plain.set_weights(stack.get_weights())
    got, _ = stack(x, states)
    want, _ = plain.run_cells(x, states)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=1e-6)
    h, new = stack.step(x[:, 0], states)
    h_plain, _ = plain.step_cells(x[:, 0], states)
    np.testing.assert_allclose(np.asarray(h), np.asarray(h_plain), atol=1e-6)
    assert len(new) == 4


def test_cell_options_reach_every_cell_of_encoder_and_decoder():
    from seqmodels.models import EncoderDecoder, OneToMany

    model = EncoderDecoder(9, 7, units=4, embedding_dim=3, encoder_layers=2, decoder_layers=2,
                           cell="gru", cell_options={"layer_norm": True})
    decoder_cells = model.decoder.cells
    encoder_cells = [layer.forward_layer.cell for layer in model.encoder.stack]
    assert len(decoder_cells) == len(encoder_cells) == 2
    assert all(cell.layer_norm for cell in decoder_cells + encoder_cells)
    generator = OneToMany(9, units=4, cell="minlstm", cell_options={"use_bias": False})
    assert not generator.decoder.cells[0].use_bias
