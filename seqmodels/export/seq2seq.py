"""Serving signatures of an `EncoderDecoder`: strings in, decoded strings out.

Signatures (B = batch, any size; k = n_best):

    serving_default  inputs string (B,)                -> outputs string (B,), scores (B,)
    greedy           inputs string (B,)                -> outputs, scores (greedy decoding)
    nbest            inputs string (B,)                -> outputs string (B, k), scores (B, k)
    score            inputs, outputs string (B,)       -> scores (B,)
    encode           inputs string (B,)                -> the decoder state tensors (below)
    decode_step      tokens int32 (B,) + state tensors -> logits (B, V), attention (B, S),
                                                          and the new state tensors

`scores` are always the plain log-probability `log P(output + </s> | input)`
of the returned output (the `score` signature computes the same number for
any output you give it). An empty input returns the empty output with score
0.0. The state tensors of `encode` / `decode_step` are `memory (B, S, M)`,
`memory_mask (B, S)`, `keys (B, S, K)` (attention models), `state_<i>`
(each `(B, units)`, the decoder layers' states in order) and, for Bahdanau,
`feed (B, units)`; a streaming client calls `encode` once, then
`decode_step` with the previous token (`<s>` = 2 first) and the state it
received, as often as it likes, at any batch size.
"""

from __future__ import annotations

import tensorflow as tf

from seqmodels import constants
from seqmodels.checks import check_positive_int
from seqmodels.constants import DEFAULT_BEAM_WIDTH, default_max_output_length
from seqmodels.decoding import BeamSearch, Greedy
from seqmodels.export.signature_checks import guarded
from seqmodels.export.text import (
    check_length,
    check_overlong_policy,
    ids_to_strings,
    strings_to_ids,
    teacher_forcing_ids,
)
from seqmodels.layers.call_checks import with_assertions
from seqmodels.models.decoding_state import flat_state, free_shape, nested_state
from seqmodels.models.generation import generate

LENGTH_BUCKET = 4  # with jit_compile, chunk widths are rounded up to a multiple of this


class Seq2SeqEndpoints:
    """Builds the `tf.function`s above for one model and its two vocabularies.

    Args:
        model: a built `seqmodels.models.EncoderDecoder`.
        source_vocabulary, target_vocabulary: `pipelines.Vocabulary` (char or word).
        beam_width: int. Beam of `serving_default` and `nbest` (1 = greedy default).
        alpha: float. GNMT length penalty used to rank beams.
        n_best: int. Outputs per input of `nbest` (its beam widens to n_best if needed).
        max_input_length: int or None. Longest input, in source symbols.
        overlong: `"truncate"` or `"error"`, for inputs over `max_input_length`.
        max_output_length: int or None. Longest output: `2 * S + 10` for a source of
            `S` symbols, at most this (default `2 * max_input_length + 10`).
        chunk_size: int. Rows decoded together: a request's batch is sorted by
            input length and decoded `chunk_size` rows at a time, each chunk cut
            to its own longest input and stopping when its own outputs end, so a
            short word does not pay for the batch's longest. Outputs come back in
            the request's order, the same as decoding the batch at once.
        jit_compile: bool. Decode each chunk with XLA (compiled on first use of
            each bucketed chunk shape, then reused): fewer, fused kernels per
            step, for lower latency and higher throughput on CPU. Needs a bounded
            output (`max_input_length` or `max_output_length`).
    """

    def __init__(self, model, source_vocabulary, target_vocabulary, *,
                 beam_width: int = DEFAULT_BEAM_WIDTH, alpha: float = 0.0,
                 n_best: int = DEFAULT_BEAM_WIDTH, max_input_length: int | None = None,
                 overlong: str = "truncate", max_output_length: int | None = None,
                 chunk_size: int = 64, jit_compile: bool = False):
        check_overlong_policy(overlong, max_input_length)
        self.chunk_size = check_positive_int("chunk_size", chunk_size)
        self.model = model
        self.source = source_vocabulary
        self.target = target_vocabulary
        self.beam = BeamSearch(beam_width, alpha=alpha, n_best=1)
        self.nbest_strategy = BeamSearch(max(beam_width, n_best), alpha=alpha, n_best=n_best)
        self.max_input_length = max_input_length
        self.overlong = overlong
        check_length("max_output_length", max_output_length)
        if max_output_length is None and max_input_length is not None:
            max_output_length = default_max_output_length(max_input_length)  # its longest
        self.max_output_length = max_output_length
        if jit_compile and max_output_length is None:
            raise ValueError("jit_compile=True needs a bounded output length (XLA compiles "
                             "static shapes): set max_input_length or max_output_length. "
                             "Received: max_input_length=None, max_output_length=None.")
        self.jit_compile = bool(jit_compile)
        self._check_vocabularies()

    def _check_vocabularies(self):
        for name, vocabulary, size in (
            ("source_vocabulary", self.source, self.model.source_vocabulary_size),
            ("target_vocabulary", self.target, self.model.target_vocabulary_size),
        ):
            if vocabulary.size != size:
                raise ValueError(
                    f"The {name} has {vocabulary.size} ids but the model was built for {size} "
                    f"({name.split('_')[0]}_vocabulary_size). Export with the vocabulary the "
                    "model was trained with.")

    # ------------------------------------------------------------------ #
    def _source(self, texts):
        ids, mask, lengths = strings_to_ids(self.source, texts, max_length=self.max_input_length,
                                            overlong=self.overlong)
        return {"inputs": ids, "inputs_mask": mask}, lengths

    def _max_output_length(self, source_ids):
        length = default_max_output_length(tf.shape(source_ids)[1])
        if self.max_output_length is not None:
            length = tf.minimum(length, self.max_output_length)
        return length

    def _decode(self, texts, strategy):
        """`(tokens (B, n, L), log_probs (B, n))`; empty inputs give no tokens, score 0."""
        source, lengths = self._source(texts)
        tokens, log_probs = self._generate_by_length(
            source["inputs"], lengths, strategy, self._max_output_length(source["inputs"]))
        empty = tf.equal(lengths, 0)[:, None]  # (B, 1)
        tokens = tf.where(empty[..., None], tf.zeros_like(tokens), tokens)
        log_probs = tf.where(empty, tf.zeros_like(log_probs), log_probs)
        return tokens, log_probs

    def _generate_by_length(self, ids, lengths, strategy, max_length):
        """`ids (B, S)`, `lengths (B,)` -> `(tokens (B, n, L), log_probs (B, n))`.

        The rows sorted by length are decoded `chunk_size` at a time, each chunk
        cut to its longest input; the results are put back in the rows' order.
        """
        order = tf.argsort(lengths, stable=True)  # (B,)
        ids, lengths = tf.gather(ids, order), tf.gather(lengths, order)
        rows, size = tf.shape(ids)[0], self.chunk_size
        count = tf.maximum((rows + size - 1) // size, 1)  # an empty batch runs once, on 0 rows
        n = strategy.n_best
        decode_chunk = self._chunk_decoder(strategy)

        def body(i, tokens, log_probs):
            start = i * size
            end = tf.minimum(start + size, rows)
            width = tf.maximum(tf.reduce_max(tf.concat([lengths[start:end], [0]], 0)), 1)
            chunk_tokens, chunk_log_probs = decode_chunk(ids[start:end, :width], max_length)
            return i + 1, tokens.write(i, chunk_tokens), log_probs.write(i, chunk_log_probs)

        arrays = (tf.TensorArray(tf.int32, size=count, infer_shape=False,
                                 element_shape=tf.TensorShape([None, n, None])),
                  tf.TensorArray(tf.float32, size=count, infer_shape=False,
                                 element_shape=tf.TensorShape([None, n])))
        _, tokens, log_probs = tf.while_loop(lambda i, *_: i < count, body, (0, *arrays))
        back = tf.math.invert_permutation(order)  # sorted position of each original row
        return tf.gather(tokens.concat(), back), tf.gather(log_probs.concat(), back)

    def _chunk_decoder(self, strategy):
        """`(ids (c, S), max_length) -> (tokens (c, n, L), log_probs (c, n))` for one chunk.

        With `jit_compile`, the chunk is padded to a bucketed shape (rows: a power
        of two up to `chunk_size`, repeating its last row; columns: a multiple of
        `LENGTH_BUCKET`, PAD) and decoded by an XLA-compiled function whose
        buffers are `max_output_length` long, so few shapes are ever compiled.
        """
        def run(ids, max_length):
            result = generate(self.model, {"inputs": ids,
                                           "inputs_mask": tf.not_equal(ids, constants.PAD_ID)},
                              strategy, max_length=max_length,
                              buffer_length=self.max_output_length if self.jit_compile else None)
            return result["tokens"], result["log_probs"]

        if not self.jit_compile:
            return run
        compiled = tf.function(run, jit_compile=True, reduce_retracing=True)
        sizes = tf.constant([2 ** k for k in range(self.chunk_size.bit_length())
                             if 2 ** k < self.chunk_size] + [self.chunk_size])

        def padded(ids, max_length):
            rows, width = tf.shape(ids)[0], tf.shape(ids)[1]
            target = tf.reduce_min(tf.boolean_mask(sizes, sizes >= rows))
            ids = tf.concat([ids, tf.repeat(ids[-1:], target - rows, axis=0)], 0)
            ids = tf.pad(ids, [[0, 0], [0, -width % LENGTH_BUCKET]])
            tokens, log_probs = compiled(ids, max_length)
            return tokens[:rows], log_probs[:rows]

        return padded

    def decode_best(self, texts, strategy):
        tokens, log_probs = self._decode(texts, strategy)
        return {"outputs": ids_to_strings(self.target, tokens[:, 0]), "scores": log_probs[:, 0]}

    def nbest(self, texts):
        tokens, log_probs = self._decode(texts, self.nbest_strategy)
        return {"outputs": ids_to_strings(self.target, tokens), "scores": log_probs}

    def score(self, texts, outputs):
        """log P(outputs + </s> | texts), summed over the output's symbols."""
        checks = [tf.debugging.assert_equal(
            tf.shape(outputs)[0], tf.shape(texts)[0],
            message="Expected `outputs` with one string per string of `inputs` (shape (B,)).")]
        texts, outputs = with_assertions((texts, outputs), checks)  # before any op could fail
        source, lengths = self._source(texts)
        decoder_inputs, labels = teacher_forcing_ids(self.target, outputs)  # (B, T)
        logits = self.model({**source, "decoder_inputs": decoder_inputs,
                             "decoder_inputs_mask": tf.not_equal(decoder_inputs, 0)})
        log_probs = tf.nn.log_softmax(tf.cast(logits, tf.float32), axis=-1)  # (B, T, V)
        picked = tf.gather(log_probs, labels, batch_dims=2)  # (B, T)
        total = tf.reduce_sum(tf.where(labels != constants.PAD_ID, picked, 0.0), axis=1)
        empty_pair = tf.logical_and(tf.equal(lengths, 0), tf.equal(tf.strings.length(outputs), 0))
        return {"scores": tf.where(empty_pair, 0.0, total)}

    def encode(self, texts):
        source, _ = self._source(texts)
        return flat_state(self.model.encode(source))

    def decode_step(self, tokens, flat):
        size = self.model.target_vocabulary_size
        message = (f"Expected `tokens` in [0, {size}) (the target vocabulary; <s> = "
                   f"{constants.START_ID} starts).")
        checks = [tf.debugging.assert_non_negative(tokens, message=message),
                  tf.debugging.assert_less(tokens, size, message=message)]
        for name, tensor in sorted(flat.items()):
            checks.append(tf.debugging.assert_equal(
                tf.shape(tensor)[0], tf.shape(tokens)[0],
                message=f"Expected `{name}` with one row per token (the batch of `tokens`): "
                        "pass the state that `encode` or the previous `decode_step` returned."))
        tokens = with_assertions(tokens, checks)  # before the embedding lookup could fail
        logits, state, attention = self.model.decode_step(tokens, nested_state(flat))
        return {"logits": logits, "attention": attention, **flat_state(state)}

    # ------------------------------------------------------------------ #
    def state_specs(self):
        """`{name: TensorSpec}` of the flat decoder state; batch and source length unknown."""
        state = self.encode(tf.constant(["a"]))
        return {k: tf.TensorSpec(free_shape(k, v.shape, self.model.source_state), v.dtype, name=k)
                for k, v in state.items()}

    def functions(self):
        """`{signature name: tf.function}`, each with its input signature."""
        greedy, beam = Greedy(), self.beam
        specs = self.state_specs()
        names = sorted(specs)

        texts = ("inputs", tf.string, [None], "(batch,): one string per row")
        serving_default = guarded(lambda inputs: self.decode_best(inputs, beam), [texts])
        greedy_fn = guarded(lambda inputs: self.decode_best(inputs, greedy), [texts])
        nbest = guarded(self.nbest, [texts])
        score = guarded(self.score, [
            texts, ("outputs", tf.string, [None], "(batch,): one string per row")])
        encode = guarded(self.encode, [texts])
        decode_step = guarded(
            lambda tokens, *state: self.decode_step(tokens, dict(zip(names, state))),
            [("tokens", tf.int32, [None], "(batch,): one id per row")],
            unchecked=[specs[n] for n in names])

        return {"serving_default": serving_default, "greedy": greedy_fn, "nbest": nbest,
                "score": score, "encode": encode, "decode_step": decode_step}

    def config(self):
        return {
            "beam_width": self.beam.width, "alpha": self.beam.alpha,
            "n_best": self.nbest_strategy.n_best, "max_input_length": self.max_input_length,
            "overlong": self.overlong, "max_output_length": self.max_output_length,
            "chunk_size": self.chunk_size, "jit_compile": self.jit_compile,
            "empty_input": "empty output, score 0.0",
            "unknown_symbols": "mapped to the OOV id 1",
        }


__all__ = ["Seq2SeqEndpoints"]
