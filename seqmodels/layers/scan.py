"""Three ways to run the linear recurrence h_t = a_t * h_{t-1} + b_t over a sequence.

All take the coefficients in log space, `log_a` and `log_b` `(batch, time,
units)` with `0 < a_t <= 1` and `b_t >= 0` (what MinGRU / MinLSTM produce),
plus an initial state `h0` `(batch, units)` of any sign, and return every
state `(batch, time, units)`. A padded step is folded in beforehand as
`a = 1, b = 0` (`fold_mask`), so it keeps the state — the semantics of
`keras.layers.RNN` — and no path needs to know about masks.

- `sequential_scan`: one loop iteration per time step. O(T) iterations.
- `chunked_scan`: cut the sequence into chunks of C steps; one loop over the C
  positions runs all chunks at once (each from a zero state), one loop over
  the T / C chunks carries each chunk's end state into the next, and one
  element-wise product adds the carried state back:
  `h_t = h_local_t + A_t * h_carry` with `A_t` the product of `a` since the
  chunk's start. With C = ceil(sqrt(T)) that is ~2 sqrt(T) iterations instead
  of T, each over bigger tensors but with ~3x the memory traffic: on a CPU it
  wins when a step is small (few batch x units), where a loop iteration costs
  more than its arithmetic, and loses when a step is large (`path.py`).
- `parallel_scan`: the same chunking, but inside a chunk the states come from
  cumulative sums in log space (Heinsen 2023):
  `log h_t = log A_t + logcumsumexp(log b_s - log A_s)`, with no loop over
  positions. Log space cannot overflow, and keeping chunks short (64 steps by
  default) bounds the float32 rounding error, which otherwise grows with T
  (the exponents reach ~T * |log a|).

The sequential and chunked scans carry a hand-written gradient: the gradient
of a linear recurrence is a linear recurrence run backwards, computed by the
same scan (`_with_reverse_scan_gradient`); the parallel scan uses autodiff,
whose gradient of a cumulative sum is again a cumulative sum.

Each path runs in float32 whatever the layer's dtype. The loops use
`tf.scan` on TensorFlow (`keras.ops.scan` loses shapes there) and
`keras.ops.scan` on the other backends.
"""

import math

import keras
from keras import ops

PATHS = ("sequential", "chunked", "parallel")
PARALLEL_CHUNK = 64
_NEG = -1e30  # log of a zero `b` at a padded step: finite, so gradients stay finite


def fold_mask(log_a, log_b, mask):
    """Padded steps become `a = 1, b = 0`. `mask` `(batch, time)` bool or None."""
    if mask is None:
        return log_a, log_b
    keep = ops.expand_dims(ops.cast(mask, "bool"), -1)  # (batch, time, 1)
    return ops.where(keep, log_a, 0.0), ops.where(keep, log_b, _NEG)


def time_scan(fn, elems, init):
    """Loop `carry = fn(carry, elem)` over axis 0 of each tensor in `elems`; stack the carries."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.scan(fn, elems, initializer=init)

    def body(carry, elem):
        new = fn(carry, elem)
        return new, new

    return ops.scan(body, init, elems)[1]


def _logcumsumexp(x, axis):
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.math.cumulative_logsumexp(x, axis=axis)
    if keras.backend.backend() == "jax":
        import jax

        return jax.lax.cumlogsumexp(x, axis=axis)
    top = ops.max(x, axis=axis, keepdims=True)  # generic: exact enough for short chunks
    return top + ops.log(ops.cumsum(ops.exp(x - top), axis=axis))


def _float32(*tensors):
    return [ops.cast(t, "float32") for t in tensors]


def _loop_scan(a, b, h0):
    """h_t = a_t h_{t-1} + b_t, one step per loop iteration. `(B, T, U)` x2, `(B, U)`."""
    a_tm = ops.transpose(a, (1, 0, 2))  # (time, batch, units)
    b_tm = ops.transpose(b, (1, 0, 2))
    h = time_scan(lambda h_prev, ab: ab[0] * h_prev + ab[1], (a_tm, b_tm), h0)
    return ops.transpose(h, (1, 0, 2))


def default_chunk_size(time_steps, path):
    """C = ceil(sqrt(T)) for `chunked`; `PARALLEL_CHUNK` (or T if shorter) for `parallel`."""
    if path == "parallel":
        if _is_tensor(time_steps):
            return ops.minimum(time_steps, PARALLEL_CHUNK)
        return max(1, min(time_steps, PARALLEL_CHUNK))
    if _is_tensor(time_steps):
        return ops.cast(ops.ceil(ops.sqrt(ops.cast(time_steps, "float32"))), "int32")
    return max(1, math.ceil(math.sqrt(time_steps)))


def _is_tensor(value):
    return not isinstance(value, int)


def _split_chunks(x, chunk, fill):
    """`(batch, time, units)` -> `(batch, chunks, chunk, units)`, the tail padded with `fill`."""
    batch, time, units = ops.shape(x)
    chunks = (time + chunk - 1) // chunk
    pad = chunks * chunk - time
    x = ops.concatenate([x, ops.full((batch, pad, units), fill, dtype=x.dtype)], axis=1)
    return ops.reshape(x, (batch, chunks, chunk, units))


def _merge_chunks(h, time):
    """`(batch, chunks, chunk, units)` -> `(batch, time, units)`."""
    batch, chunks, chunk, units = ops.shape(h)
    return ops.reshape(h, (batch, chunks * chunk, units))[:, :time]


def _local_states_by_loop(a, b):
    """Within every chunk at once, from a zero state: `(h_local, A)`, each `(B, N, C, U)`."""
    a = ops.transpose(a, (2, 0, 1, 3))  # (C, B, N, U)
    b = ops.transpose(b, (2, 0, 1, 3))
    zeros = ops.zeros_like(a[0])

    def body(carry, ab):
        h, decay = carry
        return ab[0] * h + ab[1], ab[0] * decay

    h_local, decay = time_scan(body, (a, b), (zeros, zeros + 1.0))
    return ops.transpose(h_local, (1, 2, 0, 3)), ops.transpose(decay, (1, 2, 0, 3))


def _local_states_by_logcumsumexp(log_a, log_b):
    """Within every chunk at once, from a zero state, without a loop: `(h_local, A)`."""
    log_decay = ops.cumsum(log_a, axis=2)  # log A_t, (B, N, C, U), <= 0
    log_h = log_decay + _logcumsumexp(log_b - log_decay, axis=2)
    return ops.exp(log_h), ops.exp(log_decay)


def _carry_across_chunks(h_local, decay, h0):
    """State entering each chunk: `(B, N, C, U)` x2, `(B, U)` -> `(B, N, 1, U)`."""
    end_h = ops.transpose(h_local[:, :, -1], (1, 0, 2))  # (N, B, U)
    end_decay = ops.transpose(decay[:, :, -1], (1, 0, 2))
    after = time_scan(lambda c, ad: ad[0] * c + ad[1], (end_decay, end_h), h0)  # (N, B, U)
    entering = ops.concatenate([ops.expand_dims(h0, 0), after[:-1]], axis=0)
    return ops.expand_dims(ops.transpose(entering, (1, 0, 2)), 2)


def _chunk_loop_scan(a, b, h0):
    """Chunked scan in linear space (see module doc). Same shapes as `_loop_scan`."""
    time = ops.shape(a)[1]
    chunk = default_chunk_size(time, "chunked")
    h_local, decay = _local_states_by_loop(_split_chunks(a, chunk, 1.0),
                                           _split_chunks(b, chunk, 0.0))
    return _merge_chunks(h_local + decay * _carry_across_chunks(h_local, decay, h0), time)


def _with_reverse_scan_gradient(scan_fn):
    """Wrap a linear-space scan so that its gradient is one reverse scan of the same kind.

    With `g_t = dL/dh_t` summed over all paths: `g_t = dy_t + a_{t+1} g_{t+1}` (a
    linear recurrence run backwards), then `dL/db_t = g_t`,
    `dL/da_t = g_t h_{t-1}` and `dL/dh0 = a_1 g_1`. This replaces the generic
    gradient of a loop (which stores and replays every iteration) by one more
    scan, as cheap as the forward one.
    """

    @ops.custom_gradient
    def run(a, b, h0):
        h = scan_fn(a, b, h0)  # (B, T, U)

        def grad(*args, upstream=None):
            dy = upstream if upstream is not None else args[0]
            a_next = ops.concatenate([a[:, 1:], ops.zeros_like(a[:, :1])], axis=1)
            g = ops.flip(scan_fn(ops.flip(a_next, 1), ops.flip(dy, 1), ops.zeros_like(h0)), 1)
            h_prev = ops.concatenate([ops.expand_dims(h0, 1), h[:, :-1]], axis=1)
            return g * h_prev, g, a[:, 0] * g[:, 0]

        return h, grad

    return run


_sequential = _with_reverse_scan_gradient(_loop_scan)
_chunked = _with_reverse_scan_gradient(_chunk_loop_scan)


def sequential_scan(log_a, log_b, h0):
    """One step per iteration. `(batch, time, units)` x2, `(batch, units)` -> `(B, T, U)`."""
    log_a, log_b, h0 = _float32(log_a, log_b, h0)
    return _sequential(ops.exp(log_a), ops.exp(log_b), h0)


def chunked_scan(log_a, log_b, h0):
    """Chunks of ceil(sqrt(T)) steps, loops over positions and over chunks. Same shapes."""
    log_a, log_b, h0 = _float32(log_a, log_b, h0)
    return _chunked(ops.exp(log_a), ops.exp(log_b), h0)


def parallel_scan(log_a, log_b, h0, chunk_size=None):
    """Log-space cumulative sums within chunks of `chunk_size` (default 64). Same shapes."""
    log_a, log_b, h0 = _float32(log_a, log_b, h0)
    time = ops.shape(log_a)[1]
    chunk = chunk_size or default_chunk_size(time, "parallel")
    h_local, decay = _local_states_by_logcumsumexp(_split_chunks(log_a, chunk, 0.0),
                                                   _split_chunks(log_b, chunk, _NEG))
    return _merge_chunks(h_local + decay * _carry_across_chunks(h_local, decay, h0), time)


def run_scan(path, log_a, log_b, h0):
    """Dispatch to one of `PATHS`."""
    if path == "sequential":
        return sequential_scan(log_a, log_b, h0)
    if path == "chunked":
        return chunked_scan(log_a, log_b, h0)
    if path == "parallel":
        return parallel_scan(log_a, log_b, h0)
    raise ValueError(f"Expected `path` to be one of {PATHS}. Received: path={path!r}")
