"""ScheduledSampling: the four schedules, the variable it drives, and its errors."""

import math

import keras
import numpy as np
import pytest

from seqmodels.models import EncoderDecoder, ManyToOne
from seqmodels.training import ScheduledSampling, teacher_forcing_ratio


@pytest.mark.parametrize(
    "schedule, kwargs, expected",
    [
        ("constant", {"k": 0.8}, [0.8, 0.8, 0.8]),
        ("linear", {"k": 1.0, "c": 0.3, "minimum": 0.2}, [1.0, 0.7, 0.4, 0.2, 0.2]),
        ("exponential", {"k": 0.5}, [1.0, 0.5, 0.25]),
        ("inverse_sigmoid", {"k": 2.0}, [2 / (2 + math.exp(i / 2)) for i in range(3)]),
    ],
)
def test_schedules_follow_bengio_et_al(schedule, kwargs, expected):
    got = [teacher_forcing_ratio(schedule, i, **kwargs) for i in range(len(expected))]
    assert got == pytest.approx(expected)


def _tiny_data():
    source = np.array([[4, 5, 6], [5, 6, 0]])
    decoder_inputs = np.array([[2, 4, 5], [2, 6, 0]])
    labels = np.array([[4, 5, 3], [6, 3, 0]])
    return {"inputs": source, "decoder_inputs": decoder_inputs}, labels


def test_callback_sets_the_probability_each_epoch_and_logs_it():
    model = EncoderDecoder(8, 8, embedding_dim=4, units=6, attention="bahdanau",
                           scheduled_sampling=True)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                                    ignore_class=0))
    callback = ScheduledSampling("linear", k=1.0, c=0.1)
    x, y = _tiny_data()
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[callback])
    assert callback.history == pytest.approx([0.0, 0.1, 0.2])
    assert history.history["sampling_probability"] == pytest.approx([0.0, 0.1, 0.2])
    assert float(model.sampling_probability.numpy()) == pytest.approx(0.2)


def test_callback_per_batch_counts_batches():
    model = EncoderDecoder(8, 8, embedding_dim=4, units=6, attention="bahdanau",
                           scheduled_sampling=True)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                                    ignore_class=0))
    callback = ScheduledSampling("exponential", k=0.5, per="batch")
    x, y = _tiny_data()
    model.fit(x, y, epochs=2, batch_size=1, verbose=0, callbacks=[callback])
    assert callback.history == pytest.approx([0.0, 0.5, 0.75, 0.875])


def test_a_model_without_scheduled_sampling_is_refused():
    model = ManyToOne(2, units=3)
    model.compile("adam", "mse")
    with pytest.raises(ValueError, match=r"scheduled_sampling=True.*ManyToOne"):
        model.fit(np.ones((2, 3, 1), "float32"), np.ones((2, 2)), epochs=1, verbose=0,
                  callbacks=[ScheduledSampling()])


@pytest.mark.parametrize("kwargs, message", [({"schedule": "cosine"}, r"schedule='cosine'"),
                                             ({"per": "step"}, r"per='step'")])
def test_bad_arguments_name_what_was_received(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ScheduledSampling(**kwargs)
