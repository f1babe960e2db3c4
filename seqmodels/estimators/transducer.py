"""SequenceTransducer: sequence to sequence (strings or token lists), beam search at predict."""

from __future__ import annotations

import numpy as np

from seqmodels.checks import check_choice, check_int
from seqmodels.constants import DEFAULT_BEAM_WIDTH
from seqmodels.estimators import input_kinds
from seqmodels.estimators.base import SequenceEstimator


class SequenceTransducer(SequenceEstimator):
    """An attention encoder-decoder trained with teacher forcing: sequences to sequences.

    X: strings (a step per character) or token lists. y: strings or token
    lists, of any length (spelling to sounds, one language to another).
    `predict` decodes with beam search (`beam_width`; 1 is greedy) and returns
    outputs of y's kind: strings, or token lists. `score` is the share of
    outputs equal to their reference.

    Args:
        attention: `"luong"`, `"bahdanau"` or None.
        beam_width: int. Hypotheses kept per input at `predict` (1: greedy).
        max_output_length: int or None. Most output steps (default `2 * S + 10`).
        label_smoothing: float in [0, 1). Train on targets smoothed towards the
            uniform distribution over the output tokens (`SequenceLoss`).
        Others: see `SequenceEstimator`; `num_layers` and `bidirectional` are the encoder's.

    >>> t = SequenceTransducer(units=8, epochs=1, beam_width=2, random_state=0)
    >>> _ = t.fit(["ab", "ba", "abb"], ["AB", "BA", "ABB"])
    >>> [isinstance(s, str) for s in t.predict(["ab", "b"])]
    [True, True]
    """

    _task = "seq2seq"
    _input_kinds = (input_kinds.CHARS, input_kinds.WORDS)

    def __init__(self, cell="lstm", units=64, num_layers=1, bidirectional=True,
                 attention="luong", dropout=0.0, embedding_dim=32, epochs=20, batch_size=64,
                 learning_rate=3e-3, beam_width=DEFAULT_BEAM_WIDTH, max_output_length=None,
                 bucketing=True, validation_split=0.0, early_stopping=None, distribution=None,
                 random_state=None, verbose=0, strategy=None, checkpoint_dir=None,
                 checkpoint_every=100, learning_rate_halvings=None, average_epochs=None,
                 label_smoothing=0.0):
        super().__init__(
            cell=cell, units=units, num_layers=num_layers, bidirectional=bidirectional,
            dropout=dropout, embedding_dim=embedding_dim, epochs=epochs, batch_size=batch_size,
            learning_rate=learning_rate, bucketing=bucketing, validation_split=validation_split,
            early_stopping=early_stopping, distribution=distribution,
            random_state=random_state, verbose=verbose, strategy=strategy,
            checkpoint_dir=checkpoint_dir, checkpoint_every=checkpoint_every,
            learning_rate_halvings=learning_rate_halvings, average_epochs=average_epochs)
        self.attention = attention
        self.beam_width = beam_width
        self.max_output_length = max_output_length
        self.label_smoothing = label_smoothing

    def __setstate__(self, state):
        state.setdefault("label_smoothing", 0.0)  # pickles of 0.1
        super().__setstate__(state)

    def _learn_targets(self, y, items):
        self.target_kind_ = self._target_kind(y, items, "y")
        strings = input_kinds.texts(y, self.target_kind_, "y")
        self.target_vocabulary_ = input_kinds.learn_vocabulary(strings, self.target_kind_)
        return self.target_vocabulary_.encode_python(strings)

    def _encode_targets(self, y, items, name="y"):
        kind = self._target_kind(y, items, name)
        if kind != self.target_kind_:
            raise ValueError(f"{name} holds {kind} sequences; y held {self.target_kind_}.")
        return self.target_vocabulary_.encode_python(input_kinds.texts(y, kind, name))

    @staticmethod
    def _target_kind(y, items, name):
        if isinstance(y, str) or not hasattr(y, "__len__") or len(y) != len(items):
            raise ValueError(f"Expected {name} as {len(items)} target sequences, one per item.")
        kind = input_kinds.kind_of(y, name)
        if kind == input_kinds.FEATURES:
            raise ValueError(f"Expected {name} as strings or token lists. Received numeric "
                             "sequences.")
        return kind

    def check_params(self):
        super().check_params()
        from seqmodels.models.encoder_decoder import ATTENTIONS

        check_choice("attention", self.attention, ATTENTIONS)
        check_int("beam_width", self.beam_width, 1)
        self._loss()  # SequenceLoss checks label_smoothing
        if self.max_output_length is not None:
            check_int("max_output_length", self.max_output_length, 1)

    def _source(self, items, targets):
        from pipelines import from_token_lists, teacher_forcing

        return from_token_lists(items, targets, task="seq2seq").apply(teacher_forcing())

    def _build_model(self):
        from seqmodels.models import EncoderDecoder

        return EncoderDecoder(
            self.vocabulary_.size, self.target_vocabulary_.size, embedding_dim=self.embedding_dim,
            cell=self.cell, units=self.units, encoder_layers=self.num_layers,
            bidirectional_encoder=self.bidirectional, attention=self.attention,
            dropout=self.dropout, output_dropout=self.dropout)

    def _loss(self):
        from seqmodels.losses import SequenceLoss

        return SequenceLoss(ignore_class=0, label_smoothing=self.label_smoothing)

    def _metrics(self):
        import keras

        return [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]

    def _strategy_object(self):
        from seqmodels.decoding import BeamSearch, Greedy

        return Greedy() if self.beam_width == 1 else BeamSearch(self.beam_width)

    def _decoder(self):
        """The compiled decoding function, built once per (model, beam_width, max length).

        Held outside the pickled state (`__getstate__`): a `tf.function` does
        not pickle, and an unpickled estimator builds its own on first use.
        """
        import tensorflow as tf

        key = (id(self.model_), self.beam_width, self.max_output_length)
        cached = getattr(self, "_decoder_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        strategy = self._strategy_object()
        length = self.max_output_length  # None: generate's default, 2 * S + 10
        model = self.model_

        @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)], autograph=False)
        def run(ids):
            return model.generate({"inputs": ids}, strategy, max_length=length)["tokens"]

        self._decoder_cache = (key, run)
        return run

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_decoder_cache", None)
        return state

    def predict(self, X):
        """Decoded outputs, one per item: strings, or token lists (as y was)."""
        import tensorflow as tf

        items = self._read_inputs(X, fitting=False)
        run = self._decoder()
        outputs = []
        for start in range(0, len(items), 256):
            chunk = items[start:start + 256]
            padded = np.zeros((len(chunk), max(len(c) for c in chunk)), np.int32)
            for row, ids in zip(padded, chunk):
                row[:len(ids)] = ids
            best = run(tf.constant(padded))[:, 0].numpy()  # (B, L)
            outputs.extend(self.target_vocabulary_.decode_python(best))
        return outputs if self.target_kind_ == input_kinds.CHARS else [o.split() for o in outputs]

    def score(self, X, y, sample_weight=None):
        """Share of outputs exactly equal to their reference."""
        predicted = self.predict(X)
        if len(y) != len(predicted):
            raise ValueError(f"Expected {len(predicted)} references. Received: {len(y)}.")
        return float(np.mean([list(p) == list(t) for p, t in zip(predicted, y)]))

    def _export_options(self):
        return {"source_vocabulary": self.vocabulary_,
                "target_vocabulary": self.target_vocabulary_,
                "beam_width": self.beam_width}


__all__ = ["SequenceTransducer"]
