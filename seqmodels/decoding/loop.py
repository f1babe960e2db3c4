"""The decoding loop: one `while_loop` around a model's step function, for every strategy.

    step_fn(tokens (N,), state) -> (logits (N, V), state, attention (N, S))

`state` is any nest of tensors whose first dimension is the batch `N`
(an encoder-decoder's memory, keys and decoder states). The loop keeps
`K = strategy.width` hypotheses per input, so the state is tiled to
`N = B * K` rows, and after each step reordered by the strategy's choice of
parents. Pure `keras.ops`, so it runs eagerly, inside `tf.function` with an
unknown batch size and source length, and in an exported SavedModel.
"""

import keras
import numpy as np
from keras import ops

from seqmodels import constants
from seqmodels.decoding.strategy import NEG


def _tile(state, width):
    """Each row of every tensor repeated `width` times: `(B, ...)` -> `(B * K, ...)`."""
    return keras.tree.map_structure(lambda x: ops.repeat(x, width, axis=0), state)


def _gather_rows(state, rows):
    return keras.tree.map_structure(lambda x: ops.take(x, rows, axis=0), state)


def _allowed(log_probs, finished, step, min_length, end_id):
    """Forbids PAD / OOV / START, END before `min_length`; finished rows may only emit PAD (cost 0).

    `(B, K, V)` -> `(B, K, V)`.
    """
    vocab = ops.shape(log_probs)[-1]
    ids = ops.arange(vocab)
    banned = ops.logical_and(ids == end_id, step < min_length)
    for never in constants.NEVER_DECODED_IDS:
        banned = ops.logical_or(banned, ids == never)
    log_probs = ops.where(banned, NEG, log_probs)
    frozen = ops.where(ids == constants.PAD_ID, 0.0, NEG)  # (V,)
    return ops.where(finished[..., None], frozen, log_probs)


def _write(buffer, values, step):
    """`buffer[:, :, step] = values`, for a `(B, K, L, ...)` buffer and `(B, K, ...)` values."""
    length = ops.shape(buffer)[2]
    hot = ops.one_hot(step, length, dtype="bool")  # (L,)
    hot = ops.reshape(hot, (1, 1, -1) + (1,) * (len(buffer.shape) - 3))
    return ops.where(hot, ops.expand_dims(values, 2), buffer)


def _reorder(x, parents):
    """Hypothesis-major tensors `(B, K, ...)` reordered along K by `parents (B, K)`."""
    index = ops.reshape(parents, ops.shape(parents) + (1,) * (len(x.shape) - 2))
    return ops.take_along_axis(x, ops.cast(index, "int32"), axis=1)


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _check_lengths(max_length, min_length, end_id):
    """Python-number arguments checked where they enter (tensors pass: they come from graphs)."""
    if _is_int(max_length) and max_length < 1:
        raise ValueError(f"Expected `max_length` to be an integer >= 1. Received: "
                         f"max_length={max_length!r}.")
    if isinstance(max_length, float | str | bool):
        raise ValueError(f"Expected `max_length` to be an integer >= 1 (or a scalar tensor). "
                         f"Received: max_length={max_length!r}.")
    if not _is_int(min_length) or min_length < 0:
        raise ValueError(f"Expected `min_length` to be an integer >= 0. Received: "
                         f"min_length={min_length!r}.")
    if _is_int(max_length) and min_length > max_length:
        raise ValueError(f"Expected `min_length` <= `max_length`. Received: min_length="
                         f"{min_length}, max_length={max_length}.")
    if not _is_int(end_id) or int(end_id) in constants.NEVER_DECODED_IDS:
        raise ValueError(
            f"Expected `end_id` to be an id the decoder may emit, not one of the reserved "
            f"{constants.NEVER_DECODED_IDS} (pad, OOV, start): decoding would never finish. "
            f"Received: end_id={end_id!r}.")


def decode(step_fn, state, strategy, *, max_length, min_length=0,
           start_id=constants.START_ID, end_id=constants.END_ID, attention_length=None,
           buffer_length=None):
    """Runs `step_fn` from START until every hypothesis has emitted END or `max_length` steps.

    Args:
        step_fn: `(tokens (N,), state) -> (logits (N, V), state, attention (N, S))`.
        state: nest of `(B, ...)` tensors (e.g. `EncoderDecoder.encode(...)`).
        strategy: `Greedy()`, `BeamSearch(...)` or `Sampling(...)`.
        max_length: int or scalar tensor. Most tokens generated (END included).
        min_length: int. END is forbidden before this many tokens.
        attention_length: int or scalar tensor `S`, or None. When given, also
            return each step's attention weights over the `S` source steps.
        buffer_length: int or None. Length `L` of the output buffers (default
            `max_length`). A Python int >= any `max_length` tensor gives the loop
            static shapes, as XLA (`jit_compile=True`) needs; the outputs are
            then `L` long, PAD after `max_length`.

    Returns:
        dict, hypotheses best first (`n = strategy.n_best`):
        `tokens` int32 `(B, n, L)` (PAD after END; `L = max_length` unless
        `buffer_length` is given), `lengths` int32
        `(B, n)` (END included), `scores` float32 `(B, n)` (the strategy's
        ranking score: the log-probability, length-normalised for beam
        search), `log_probs` float32 `(B, n)` (the plain log-probability) and,
        if asked, `attention` float32 `(B, n, L, S)`.
    """
    _check_lengths(max_length, min_length, end_id)
    if buffer_length is not None and (
            not _is_int(buffer_length) or buffer_length < 1
            or (_is_int(max_length) and buffer_length < max_length)):
        raise ValueError(f"Expected `buffer_length` to be an integer >= max_length. Received: "
                         f"buffer_length={buffer_length!r}, max_length={max_length!r}.")
    length = max_length if buffer_length is None else buffer_length
    return_attention = attention_length is not None
    width = strategy.width
    leaves = keras.tree.flatten(state)
    batch = ops.shape(leaves[0])[0]
    state = _tile(state, width)  # (B*K, ...)
    offsets = ops.arange(batch, dtype="int32")[:, None] * width  # (B, 1)

    def body(step, last, state, tokens, sums, lengths, finished, attention):
        logits, state, weights = step_fn(last, state)
        vocab = ops.shape(logits)[-1]
        log_probs = ops.log_softmax(ops.cast(logits, "float32"), axis=-1)
        log_probs = _allowed(ops.reshape(log_probs, (batch, width, vocab)), finished, step,
                             min_length, end_id)
        parents, chosen, sums = strategy.select(log_probs, sums, lengths, finished)
        parents, chosen = ops.cast(parents, "int32"), ops.cast(chosen, "int32")
        if width > 1:  # one hypothesis per input: its parent is itself, nothing to reorder
            state = _gather_rows(state, ops.reshape(offsets + parents, (-1,)))
        tokens, lengths, finished = (_reorder(t, parents) for t in (tokens, lengths, finished))
        tokens = _write(tokens, chosen, step)
        lengths = lengths + ops.cast(ops.logical_not(finished), "int32")
        finished = ops.logical_or(finished, chosen == end_id)
        if return_attention:
            weights = ops.reshape(ops.cast(weights, "float32"), (batch, width, -1))
            attention = _write(_reorder(attention, parents), _reorder(weights, parents), step)
        return step + 1, ops.reshape(chosen, (-1,)), state, tokens, sums, lengths, finished, \
            attention

    def cond(step, last, state, tokens, sums, lengths, finished, attention):
        return ops.logical_and(step < max_length, ops.logical_not(ops.all(finished)))

    loop_vars = (
        ops.convert_to_tensor(0, "int32"),
        ops.full((batch * width,), start_id, dtype="int32"),
        state,
        ops.zeros((batch, width, length), dtype="int32"),
        ops.cast(strategy.initial_sums(batch), "float32"),
        ops.zeros((batch, width), dtype="int32"),
        ops.zeros((batch, width), dtype="bool"),
        ops.zeros((batch, width, length, attention_length) if return_attention else (1,),
                  "float32"),
    )
    _, _, _, tokens, sums, lengths, _, attention = ops.while_loop(cond, body, loop_vars)
    return _best_first(strategy, tokens, sums, lengths, attention if return_attention else None)


def _best_first(strategy, tokens, sums, lengths, attention):
    scores = strategy.ranking_scores(sums, lengths)  # (B, K)
    n_best = strategy.n_best
    scores, order = ops.top_k(scores, k=n_best)  # (B, n)
    result = {
        "tokens": _reorder(tokens, order),
        "lengths": _reorder(lengths, order),
        "scores": scores,
        "log_probs": _reorder(sums, order),
    }
    if attention is not None:
        result["attention"] = _reorder(attention, order)
    return result


__all__ = ["decode"]
