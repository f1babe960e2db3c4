"""EncoderDecoderEnsemble: several encoder-decoders decoded as one model.

At every step each member reads its own source encoding and decoder state;
the ensemble's next-token distribution is the normalised mean of the
members' log-probabilities (a product of experts, as in the ensembles of
Sutskever et al. 2014 and of most G2P and translation systems):

    log p(y_t | y_<t, x) = mean_i log p_i(y_t | y_<t, x) - log Z_t

so a beam search over the ensemble ranks hypotheses by the averaged
log-probabilities, inside the search, not by re-scoring each member's own
beam. It is one Keras model: `generate`, `.keras` files and
`export_saved_model` treat it as an `EncoderDecoder`.

Decoding state: member `i`'s entries carry the suffix `_i` (`memory_0`,
`keys_1`, `feed_0`, ...), and `states` lists every member's decoder states,
member after member.
"""

import keras
from keras import ops

from seqmodels.models.building import BuildByCall
from seqmodels.models.encoder_decoder import EncoderDecoder
from seqmodels.models.generation import generate


def _check_members(members):
    if not isinstance(members, (list, tuple)) or len(members) < 2:
        raise ValueError("Expected a list of at least 2 EncoderDecoder models. Received: "
                         f"members={members!r}.")
    for i, member in enumerate(members):
        if not isinstance(member, EncoderDecoder):
            raise ValueError(f"Expected every member to be an EncoderDecoder. Received: "
                             f"members[{i}] of type {type(member).__name__}.")
    first = members[0]
    for i, member in enumerate(members[1:], start=1):
        for name in ("source_vocabulary_size", "target_vocabulary_size"):
            if getattr(member, name) != getattr(first, name):
                raise ValueError(
                    f"Expected members sharing one vocabulary. Received: members[{i}]."
                    f"{name}={getattr(member, name)}, members[0].{name}={getattr(first, name)}.")
    return list(members)


def _split_names(state):
    """`(name, member index, value)` of each suffixed entry (`memory_1` -> `memory`, 1)."""
    for name, value in state.items():
        base, _, index = name.rpartition("_")
        if base and index.isdigit():
            yield base, int(index), value


@keras.saving.register_keras_serializable(package="seqmodels")
class EncoderDecoderEnsemble(BuildByCall, keras.Model):
    """The mean of several `EncoderDecoder`s' log-probabilities, at every decoding step.

    Args:
        members: list of >= 2 `EncoderDecoder` models with the same source and
            target vocabularies (any cells, sizes and attentions; trained, or
            loaded from `.keras` files).

    Call arguments:
        inputs: dict with `inputs`, `decoder_inputs` and optionally their masks,
            as for `EncoderDecoder`.

    Returns:
        `(B, T, V)` normalised log-probabilities of the ensemble (usable as logits).

    Example:

    >>> import numpy as np
    >>> members = [EncoderDecoder(12, 9, embedding_dim=8, units=16) for _ in range(2)]
    >>> ensemble = EncoderDecoderEnsemble(members)
    >>> batch = {"inputs": np.array([[4, 5, 6, 0]]), "decoder_inputs": np.array([[2, 4, 7]])}
    >>> tuple(ensemble(batch).shape)
    (1, 3, 9)
    """

    def __init__(self, members, **kwargs):
        super().__init__(**kwargs)
        self.members = _check_members(members)
        self.source_vocabulary_size = self.members[0].source_vocabulary_size
        self.target_vocabulary_size = self.members[0].target_vocabulary_size
        self.source_state = tuple(f"{name}_{i}" for i, member in enumerate(self.members)
                                  for name in member.source_state)
        if all(m.built for m in self.members):  # trained or loaded members: nothing to build
            self.built = True

    def integer_inputs(self):
        return ("inputs", "decoder_inputs")

    @staticmethod
    def _mean_log_probs(logits):
        """`[(..., V)]` member logits -> `(..., V)` normalised mean log-probabilities."""
        mean = ops.mean(ops.stack([ops.log_softmax(ops.cast(x, "float32"), axis=-1)
                                   for x in logits]), axis=0)
        return ops.log_softmax(mean, axis=-1)

    def call(self, inputs, training=False):
        return self._mean_log_probs([m(inputs, training=training) for m in self.members])

    def encode(self, inputs, training=False):
        """Every member's state, its entries suffixed `_i`; `states` joined in member order."""
        state = {"states": []}
        for i, member in enumerate(self.members):
            for name, value in member.encode(inputs, training=training).items():
                if name == "states":
                    state["states"].extend(value)
                else:
                    state[f"{name}_{i}"] = value
        return state

    def decode_step(self, tokens, state, training=False):
        """`tokens (N,)`, state -> `(log-probabilities (N, V), state, mean weights (N, S))`.

        The row layout is `EncoderDecoder.decode_step`'s, for every member.
        """
        new = {"states": []}
        logits, weights, offset = [], [], 0
        for i, member in enumerate(self.members):
            count = len(member.decoder.state_sizes)
            own = {base: value for base, index, value in _split_names(state) if index == i}
            own["states"] = state["states"][offset:offset + count]
            offset += count
            step_logits, own, step_weights = member.decode_step(tokens, own, training=training)
            logits.append(step_logits)
            weights.append(ops.cast(step_weights, "float32"))
            for name, value in own.items():
                if name == "states":
                    new["states"].extend(value)
                else:
                    new[f"{name}_{i}"] = value
        return self._mean_log_probs(logits), new, ops.mean(ops.stack(weights), axis=0)

    def generate(self, inputs, strategy="greedy", max_length=None, min_length=0,
                 return_attention=False):
        """As `EncoderDecoder.generate`, with the ensemble's distribution at every step."""
        return generate(self, inputs, strategy, max_length=max_length, min_length=min_length,
                        return_attention=return_attention)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "members": [keras.saving.serialize_keras_object(m) for m in self.members]}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        members = [keras.saving.deserialize_keras_object(m) for m in config.pop("members")]
        return cls(members, **config)


__all__ = ["EncoderDecoderEnsemble"]
