"""Recurrent: run any seqmodels cell over a sequence, fast, with a learnable initial state."""

import contextlib
import warnings

import keras
from keras import ops

from seqmodels.layers.call_checks import (
    check_initial_states,
    check_mask,
    check_sequences,
    check_sequences_shape,
    in_tf_graph,
)
from seqmodels.layers.cudnn import (
    cudnn_incompatibilities,
    fused_twin,
    is_right_padded,
    kernel_needs_right_padding,
)
from seqmodels.layers.path import auto_implementation, auto_scan, on_accelerator
from seqmodels.layers.scan import PATHS, fold_mask, run_scan
from seqmodels.layers.step_cell import StepCell

_PATH_CHOICES = ("auto",) + PATHS
IMPLEMENTATIONS = ("auto", "fused", "loop")


@keras.saving.register_keras_serializable(package="seqmodels")
class Recurrent(keras.layers.Layer):
    """A recurrent layer over any seqmodels cell; `keras.layers.RNN` plus four things.

    0. **Fused kernels** (`implementation`). With `"fused"`, the full
       sequence runs through `keras.layers.LSTM` / `GRU` reading this layer's
       own weight variables: cuDNN on a GPU (TensorFlow; JAX and torch when no
       mask is given), Keras's generic loop on CPU. `"loop"` runs the cell's
       step in `keras.layers.RNN`. `"auto"` (default) takes the fused layer
       when the cell and options allow it (`GRUCell` / `LSTMCell`, tanh /
       sigmoid, `use_bias`, no recurrent dropout, no layer norm) and it is the
       faster path here (`seqmodels.layers.path.auto_implementation`). Both
       compute the same function, and the weights are the same variables, so
       a checkpoint moves freely between them. `implementation_used` and
       `implementation_reasons` say which path a layer takes and why. A mask
       with gaps or left padding cannot go to cuDNN: such a batch runs the
       loop (a one-time warning in eager calls). The one-step path used in
       decoding is always the cell's.
    1. **Fused input path** (`fuse_inputs`). The input half of the cell,
       `x_t W_x + b`, is computed for all time steps in one matrix product
       before the loop (`cell.project_inputs`); only `h_{t-1} W_h` stays inside
       it, as in cuDNN. `"auto"` fuses on accelerators only: on TensorFlow's CPU
       runtime the fused loop measured 0.75-1.0x the unfused one
       (docs/benchmarks.md), because a loop step there costs per operation,
       not per FLOP, and the fused loop carries wider per-step tensors.
    2. **Learnable initial state** (`learn_initial_state=True`): `h_0` (and
       `c_0`) become trained weights instead of zeros — a remedy for a
       recurrent model's sensitivity to its initial state.
    3. **Scan paths for linear recurrences** (MinGRUCell, MinLSTMCell): the
       sequence runs as a scan, `scan_path` = `"sequential"` (one step per
       iteration), `"chunked"` (~2 sqrt(T) iterations) or `"parallel"`
       (log-space cumulative sums in chunks of 64); `"auto"` picks by device
       and size (`seqmodels.layers.path`). Other cells accept `"auto"` and
       `"sequential"` only.

    Masks behave exactly as in `keras.layers.RNN`: a padded step keeps the
    state, and the output there repeats the last valid output (zeros with
    `zero_output_for_mask=True`, which `Bidirectional` sets when returning
    sequences). Works inside `keras.layers.Bidirectional`.

    Args:
        cell: a seqmodels cell (`ElmanCell`, `GRUCell`, `LSTMCell`,
            `MinGRUCell`, `MinLSTMCell`) or its serialized config.
        return_sequences: bool. Return every output `(batch, time, units)`
            instead of the last `(batch, units)`.
        return_state: bool. Also return the final states.
        go_backwards: bool. Process the sequence in reverse (outputs come back
            in processing order, as in Keras).
        zero_output_for_mask: bool. Zero outputs at padded steps.
        learn_initial_state: bool. Train `h_0` (and `c_0`) as weights.
        scan_path: `"auto"`, `"sequential"`, `"chunked"` or `"parallel"`.
        fuse_inputs: `"auto"`, True or False: whether the loop projects the
            inputs before it (ignored by the fused implementation and by
            linear-recurrence cells, whose scans always project first).
        implementation: `"auto"`, `"fused"` or `"loop"` (see 0. above);
            `"fused"` on an ineligible cell is refused with the reasons.

    Call arguments:
        sequences: float tensor `(batch, time, features)`.
        initial_state: optional list of `(batch, state_size)` tensors; overrides
            the zero or learned initial state.
        mask: optional bool tensor `(batch, time)`, True at real steps.
        training: bool. Enables the cell's dropout.

    Returns:
        `(batch, units)` or `(batch, time, units)`; with `return_state`, a list
        of that followed by the final states.

    Example:

    >>> from seqmodels.cells import MinGRUCell
    >>> layer = Recurrent(MinGRUCell(8), return_sequences=True, scan_path="chunked")
    >>> tuple(layer(ops.ones((2, 100, 3))).shape)
    (2, 100, 8)
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        zero_output_for_mask=False,
        learn_initial_state=False,
        scan_path="auto",
        fuse_inputs="auto",
        implementation="auto",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(cell, dict):
            cell = keras.saving.deserialize_keras_object(cell)
        if not hasattr(cell, "project_inputs") or not hasattr(cell, "step"):
            raise ValueError(
                "Expected a seqmodels cell (with `project_inputs` and `step`), such as "
                f"seqmodels.cells.LSTMCell. Received: cell={cell!r}. For a Keras cell, use "
                "keras.layers.RNN."
            )
        if scan_path not in _PATH_CHOICES:
            raise ValueError(
                f"Expected `scan_path` in {_PATH_CHOICES}. Received: scan_path={scan_path!r}")
        if scan_path in ("chunked", "parallel") and not cell.is_linear_recurrence:
            raise ValueError(
                f"scan_path={scan_path!r} needs a cell whose recurrence is linear "
                "(MinGRUCell, MinLSTMCell). "
                f"Received: {type(cell).__name__}, which supports scan_path='auto' or 'sequential'."
            )
        if fuse_inputs not in ("auto", True, False):
            raise ValueError(
                f"Expected `fuse_inputs` in ('auto', True, False). Received: {fuse_inputs!r}")
        self.cell = cell
        # The cell's options are fixed once it is made: why it cannot run fused, computed once.
        self._fused_reasons = cudnn_incompatibilities(self)
        self.implementation = implementation
        self.fuse_inputs = fuse_inputs
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.learn_initial_state = bool(learn_initial_state)
        self.scan_path = scan_path
        self.stateful = False
        self.states = None  # Bidirectional reads it; only stateful layers keep states
        self.supports_masking = True
        self._loop = None
        object.__setattr__(self, "_twin", None)  # the fused built-in, made in build()
        self._warned_gaps = False
        object.__setattr__(self, "_runner", None)  # see `run_by`; never saved
        if not cell.is_linear_recurrence:
            self._loop = keras.layers.RNN(
                StepCell(cell, projected=self._projects_inputs()),
                return_sequences=self.return_sequences,
                return_state=True, go_backwards=self.go_backwards, name="loop",
            )
        self.zero_output_for_mask = zero_output_for_mask

    def _projects_inputs(self):
        if self.cell.is_linear_recurrence:
            return True
        return on_accelerator() if self.fuse_inputs == "auto" else self.fuse_inputs

    @property
    def implementation(self):
        return self._implementation

    @implementation.setter
    def implementation(self, value):
        """Settable after construction (e.g. on the layers of a built model)."""
        if value not in IMPLEMENTATIONS:
            raise ValueError(
                f"Expected `implementation` in {IMPLEMENTATIONS}. "
                f"Received: implementation={value!r}")
        if value == "fused" and self._fused_reasons:
            raise ValueError(
                "implementation='fused' needs a cell and options the fused kernels implement. "
                f"Received {type(self.cell).__name__} with: "
                + "; ".join(self._fused_reasons)
                + ". Use implementation='auto' or 'loop'.")
        self._implementation = value
        self._set_jit_support()

    @property
    def implementation_used(self):
        """`"fused"`, `"loop"` or `"scan"` (linear-recurrence cells): the full-sequence path."""
        if self.cell.is_linear_recurrence:
            return "scan"
        if self._implementation == "auto":
            if self._fused_reasons:
                return "loop"
            return auto_implementation(self.cell)
        return self._implementation

    @property
    def implementation_reasons(self):
        """Why this layer does not take the fused path (empty when it does)."""
        used = self.implementation_used
        if used == "fused":
            return []
        if used == "scan":
            return [f"{type(self.cell).__name__} is a linear recurrence: it runs as a scan"]
        reasons = list(self._fused_reasons)
        if not reasons and self._implementation == "loop":
            reasons = ["implementation='loop' was asked for"]
        if not reasons:
            reasons = [f"implementation='auto' on CPU: the loop measured faster for "
                       f"{type(self.cell).__name__} on {keras.backend.backend()} "
                       "(seqmodels.layers.path)"]
        return reasons

    def _set_jit_support(self):
        # TensorFlow cannot XLA-compile cuDNN ops: keep `jit_compile="auto"` off for this model.
        if keras.backend.backend() == "tensorflow" and on_accelerator():
            self.supports_jit = self.implementation_used != "fused"

    @property
    def zero_output_for_mask(self):
        return self._zero_output_for_mask

    @zero_output_for_mask.setter
    def zero_output_for_mask(self, value):
        self._zero_output_for_mask = bool(value)
        if self._loop is not None:
            self._loop.zero_output_for_mask = self._zero_output_for_mask

    @property
    def state_sizes(self):
        return self.cell.state_sizes

    def build(self, sequences_shape, initial_state_shape=None):
        check_sequences_shape(sequences_shape, name="sequences")
        self.input_features = sequences_shape[-1]
        if not self.cell.built:
            self.cell.build((sequences_shape[0], sequences_shape[-1]))
        if not self._fused_reasons and self._twin is None:
            object.__setattr__(self, "_twin", fused_twin(self))
        self.initial_state_weights = []
        if self.learn_initial_state:
            self.initial_state_weights = [
                self.add_weight(shape=(size,), initializer="zeros", name=f"initial_state_{i}")
                for i, size in enumerate(self.state_sizes)
            ]

    def get_initial_state(self, batch_size):
        """The zero or learned initial states, each `(batch_size, state_size)`."""
        if self.learn_initial_state:
            return [
                ops.broadcast_to(ops.cast(w, self.compute_dtype), (batch_size, ops.shape(w)[0]))
                for w in self.initial_state_weights
            ]
        return self.cell.get_initial_state(batch_size)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        sequences = check_sequences(sequences, name="sequences",
                                    features=getattr(self, "input_features", None))
        mask = check_mask(mask, sequences, name="mask")
        states = self._initial_states(sequences, initial_state)
        if self._runner is not None:  # see `run_by`
            return self._runner(self, sequences, states, mask, training)
        self._draw_dropout_masks(sequences, states[0], training)
        if self.cell.is_linear_recurrence:
            projected = self.cell.project_inputs(sequences, training=training)  # (B, T, P)
            output, states = self._scan(projected, states[0], mask)
        elif self.implementation_used == "fused":
            output, states = self._fused_or_loop(sequences, states, mask, training)
        else:
            output, states = self._run_loop(sequences, states, mask, training)
        self._reset_dropout_masks()
        return [output, *states] if self.return_state else output

    @contextlib.contextmanager
    def run_by(self, runner):
        """Within the block, `runner` computes what `call` returns, in place of the layer's paths.

        The extension point of the diagnostics (`seqmodels.diagnostics.probe`
        runs a step loop with perturbable states through it). `call` still
        checks its arguments and builds the initial states, then returns
        `runner(layer, sequences (B, T, F), states (list, each (B, size)),
        mask (B, T) or None, training)`, which must return what `call` would:
        `output` or `[output, *final_states]` as `return_state` says. Nothing
        is saved; the layer's own paths are back when the block exits.
        """
        object.__setattr__(self, "_runner", runner)
        try:
            yield self
        finally:
            object.__setattr__(self, "_runner", None)

    def _run_loop(self, sequences, states, mask, training):
        """The cell's step in `keras.layers.RNN`: `(B, T, F)` -> `((B, [T,] U), states)`."""
        if self._loop.cell.projected:
            sequences = self.cell.project_inputs(sequences, training=training)  # (B, T, P)
        output, *states = self._loop(sequences, initial_state=states, mask=mask,
                                     training=training)
        return output, states

    def _run_fused(self, sequences, states, mask, training):
        """The built-in twin on the same weights: `(B, T, F)` -> `((B, [T,] U), states)`."""
        if training and self.cell.dropout > 0:  # the cell's own per-sequence mask
            sequences = sequences * ops.expand_dims(self.cell.get_dropout_mask(sequences[:, 0]), 1)
        output, *states = self._twin(sequences, initial_state=states, mask=mask,
                                     training=training)
        if mask is not None and self.return_sequences and not self.go_backwards:
            # The twin zeroes padded outputs (cuDNN's way); Keras's RNN repeats the last
            # valid output there, which for a right-padded mask is the final h.
            keep = ops.expand_dims(mask, -1)  # (B, T, 1)
            fill = (ops.zeros_like(output) if self.zero_output_for_mask
                    else ops.expand_dims(states[0], 1))
            output = ops.where(keep, output, fill)
        return output, states

    def _fused_or_loop(self, sequences, states, mask, training):
        """The fused path, or the loop for a mask cuDNN cannot take (gaps, left padding)."""
        if mask is None or not kernel_needs_right_padding():
            return self._run_fused(sequences, states, mask, training)
        mask = ops.cast(mask, "bool")
        right_padded = is_right_padded(mask)
        if not in_tf_graph():  # eager (reached on TensorFlow only)
            if bool(right_padded):
                return self._run_fused(sequences, states, mask, training)
            self._warn_gaps()
            return self._run_loop(sequences, states, mask, training)
        return ops.cond(right_padded,
                        lambda: self._run_fused(sequences, states, mask, training),
                        lambda: self._run_loop(sequences, states, mask, training))

    def _warn_gaps(self):
        if not self._warned_gaps:
            self._warned_gaps = True
            warnings.warn(
                f"{self.name}: a mask that is not right-padded (a gap, left padding or an "
                "empty row) cannot go to the fused cuDNN kernel; this layer runs such "
                "batches on its loop (same results, slower). Right-pad sequences to keep "
                "the fused path.", stacklevel=3)

    def _initial_states(self, sequences, initial_state):
        if initial_state is None:
            return self.get_initial_state(ops.shape(sequences)[0])
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [
            initial_state]
        check_initial_states(states, self.state_sizes, sequences.shape[0])
        return [ops.cast(s, self.compute_dtype) for s in states]

    def _draw_dropout_masks(self, sequences, h0, training):
        """One input and one recurrent mask per sequence, shared by every step."""
        self._reset_dropout_masks()  # a call that raised may have left masks of another graph
        if training:
            self.cell.get_dropout_mask(sequences[:, 0])
            self.cell.get_recurrent_dropout_mask(h0)

    def _reset_dropout_masks(self):
        self.cell.reset_dropout_mask()
        self.cell.reset_recurrent_dropout_mask()

    def _scan(self, projected, h0, mask):
        """Linear-recurrence cells: `(B, T, P)`, `(B, U)`, `(B, T)` -> `((B, [T,] U), [h_T])`."""
        log_a, log_b = self.cell.log_coefficients(projected)  # (B, T, U) each
        if mask is not None:
            mask = ops.cast(mask, "bool")
        if self.go_backwards:
            log_a, log_b = ops.flip(log_a, 1), ops.flip(log_b, 1)
            mask = None if mask is None else ops.flip(mask, 1)
        log_a, log_b = fold_mask(log_a, log_b, mask)
        if self.scan_path == "auto":
            h = auto_scan(log_a, log_b, h0)
        else:
            h = run_scan(self.scan_path, log_a, log_b, h0)
        h = ops.cast(h, self.compute_dtype)  # (B, T, U)
        last = h[:, -1]
        if not self.return_sequences:
            return last, [last]
        if self.zero_output_for_mask and mask is not None:
            h = ops.where(ops.expand_dims(mask, -1), h, ops.zeros_like(h))
        return h, [last]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, time = sequences_shape[0], sequences_shape[1]
        units = self.cell.output_size
        output = (batch, time, units) if self.return_sequences else (batch, units)
        if not self.return_state:
            return output
        return (output, *((batch, size) for size in self.state_sizes))  # a tuple, as Keras's RNN

    def compute_mask(self, sequences, mask=None):
        if not self.return_sequences:
            return [None] * (1 + len(self.state_sizes)) if self.return_state else None
        return [mask] + [None] * len(self.state_sizes) if self.return_state else mask

    def get_config(self):
        return {
            **super().get_config(),
            "cell": keras.saving.serialize_keras_object(self.cell),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "zero_output_for_mask": self.zero_output_for_mask,
            "learn_initial_state": self.learn_initial_state,
            "scan_path": self.scan_path,
            "fuse_inputs": self.fuse_inputs,
            "implementation": self.implementation,
        }
