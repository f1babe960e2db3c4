"""Every constructor argument of every model and layer survives `.keras` (safe_mode=True)."""

import inspect

import numpy as np
import pytest

from seqmodels.models import (
    AlignedManyToMany,
    EncoderDecoder,
    ManyToOne,
    OneToMany,
)
from seqmodels.models.base import EncodingModel
from tests.seqmodels.models.helpers import reload

ENCODING = dict(vocabulary_size=11, embedding_dim=3, cell="gru", units=5, num_layers=2,
                bidirectional=True, dropout=0.1, recurrent_dropout=0.15, layer_dropout=0.2,
                learn_initial_state=True, output_dropout=0.25,
                cell_options={"layer_norm": True, "recurrent_initializer": "identity"})
TOKENS = {"inputs": np.array([[4, 5, 6], [7, 0, 0]])}
TARGETS = {**TOKENS, "decoder_inputs": np.array([[2, 4], [2, 5]])}

CASES = [
    (ManyToOne, dict(num_outputs=3, task="regression", pooling="max", **ENCODING), TOKENS),
    (AlignedManyToMany, dict(num_outputs=4, task="regression", **ENCODING), TOKENS),
    (OneToMany, dict(vocabulary_size=9, embedding_dim=3, cell="minlstm", units=4, num_layers=2,
                     conditioning="every_step", dropout=0.1, recurrent_dropout=0.0,
                     layer_dropout=0.3, cell_options={"use_bias": False}),
     {"vector": np.ones((2, 3), "float32"), "decoder_inputs": np.array([[2, 4], [2, 5]])}),
    (EncoderDecoder, dict(source_vocabulary_size=11, target_vocabulary_size=9, embedding_dim=3,
                          cell="elman", units=6, encoder_units=4, encoder_layers=2,
                          decoder_layers=2, bidirectional_encoder=False, attention="luong",
                          attention_units=5, bridge="zeros", dropout=0.1,
                          recurrent_dropout=0.2, layer_dropout=0.3, output_dropout=0.4,
                          scheduled_sampling=False, learn_initial_state=True,
                          cell_options={"activation": "relu"}),
     TARGETS),
]


def constructor_arguments(cls):
    names = set()
    for klass in (cls, EncodingModel) if issubclass(cls, EncodingModel) else (cls,):
        names |= {p for p in inspect.signature(klass.__init__).parameters
                  if p not in ("self", "kwargs")}
    return names


@pytest.mark.parametrize("cls, kwargs, batch", CASES, ids=[c[0].__name__ for c in CASES])
def test_every_argument_round_trips(cls, kwargs, batch):
    assert set(kwargs) == constructor_arguments(cls), "the table must name every argument"
    model = cls(**kwargs)
    expected = np.asarray(model(batch))
    loaded = reload(model)
    config = loaded.get_config()
    for name, value in kwargs.items():
        assert config[name] == value, name
    np.testing.assert_allclose(np.asarray(loaded(batch)), expected, atol=1e-6)


def test_the_former_head_dropout_name_warns_and_sets_output_dropout():
    with pytest.warns(DeprecationWarning, match="use `output_dropout`"):
        model = ManyToOne(2, units=4, head_dropout=0.3)
    assert model.output_dropout == 0.3 and "head_dropout" not in model.get_config()
    with pytest.raises(ValueError, match=r"Received: output_dropout=0.1, head_dropout=0.3"):
        ManyToOne(2, units=4, output_dropout=0.1, head_dropout=0.3)
