"""PlainDecoder: stacked recurrent cells reading only their initial states.

The decoder contract (after OpenNMT-tf's `Decoder`), which every decoder of
this folder keeps:

    initial_state(source, memory, memory_mask) -> decoding state (a dict)
    call(inputs (B, T, E), state, mask)        -> (outputs (B, T, U), weights (B, T, S) or None)
    step(inputs (N, E), state)                 -> (outputs (N, U), new state, weights (N, S))

`source` is what the decoder's bridge reads (an encoder's final states, a
vector); `inputs` are embedded target tokens (teacher forcing in `call`, the
previous token in `step`); `outputs` are what the model's output layer reads. The
decoding state is a dict of tensors: `states`, the cells' states layer by
layer (a list, each `(rows, units)`), and the entries named in
`SOURCE_STATE`, which hold the source (`(B, S, ...)`). In `step` the other
entries have `N = B * K` rows, `K` hypotheses per source (source `b`'s are
rows `b * K ... b * K + K - 1`), while the source entries keep their B rows:
the source is read by index, never tiled.
"""

import keras
from keras import ops

from seqmodels.cells.registry import check_cell_name, get_cell
from seqmodels.checks import check_choice, check_positive_int, check_rate
from seqmodels.docstrings import with_sections
from seqmodels.layers.recurrent import Recurrent
from seqmodels.models.config import ArgumentsConfig
from seqmodels.models.decoders.bridges import BRIDGES, make_bridge

DECODER_SECTIONS = {"decoder_arguments": """\
    Args:
        cell: `"elman"`, `"gru"`, `"lstm"`, `"mingru"` or `"minlstm"`.
        units: int. Units of every layer, and the width of the outputs.
        num_layers: int. Depth of the stack.
        dropout: float in [0, 1). Input dropout inside each cell (one mask per sequence).
        recurrent_dropout: float in [0, 1). Recurrent dropout inside each cell.
        layer_dropout: float in [0, 1). Dropout between stacked layers.
        bridge: `"zeros"`, `"dense"` or `"vector"` (`seqmodels.models.decoders.bridges`):
            what `initial_state` makes the initial states from.
        cell_options: dict or None. More arguments of every cell, e.g.
            `{"layer_norm": True}` (serializable values: names, numbers)."""}


@keras.saving.register_keras_serializable(package="seqmodels")
@with_sections(DECODER_SECTIONS)
class PlainDecoder(ArgumentsConfig, keras.layers.Layer):
    """A decoder without attention: the source reaches it through its initial states only.

        h_t = cells(emb(y_{t-1}), h_{t-1});   outputs_t = h_t

    `num_layers` cells run as `Recurrent` layers over the whole sequence
    (`call`, teacher forcing) or once (`step`, decoding): the very same cells,
    so both compute the same function, which the tests hold equal.

    {decoder_arguments}

    `step` returns zero attention weights `(N, S)` when the state holds a
    memory (so every decoder gives weights of one shape), else None.
    """

    SOURCE_STATE = ("memory", "memory_mask")
    """The state entries that hold the source, `(B, S, ...)`; the first is the memory."""

    def __init__(self, cell="lstm", units=128, num_layers=1, dropout=0.0,
                 recurrent_dropout=0.0, layer_dropout=0.0, bridge="zeros", cell_options=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.cell = check_cell_name(cell)
        self.units = check_positive_int("units", units)
        self.num_layers = check_positive_int("num_layers", num_layers)
        self.dropout = check_rate("dropout", dropout)
        self.recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        self.layer_dropout = check_rate("layer_dropout", layer_dropout)
        self.cell_options = dict(cell_options or {})
        self.stack = [
            Recurrent(get_cell(cell, units, dropout=dropout, recurrent_dropout=recurrent_dropout,
                               **self.cell_options),
                      return_sequences=True, return_state=True, name=f"recurrent_{i}")
            for i in range(num_layers)
        ]
        self.between = keras.layers.Dropout(self.layer_dropout, name="layer_dropout")
        self.bridge = check_choice("bridge", bridge, tuple(BRIDGES))
        self.bridge_layer = make_bridge(bridge, self.units, self.states_per_layer)
        self.supports_masking = True  # the mask is an explicit argument

    @property
    def cells(self):
        return [layer.cell for layer in self.stack]

    @property
    def state_sizes(self):
        """Sizes of the flat `states` list: layer 0's states, then layer 1's, ...
        (`[h]` per GRU / Elman / minimal layer, `[h, c]` per LSTM layer)."""
        return [size for cell in self.cells for size in cell.state_sizes]

    @property
    def states_per_layer(self):
        """How many state tensors each layer carries (`[h, c]` for LSTM: 2)."""
        return [len(cell.state_sizes) for cell in self.cells]

    def step_inputs_size(self, embedding_dim):
        """Features per step the cells read, for embeddings of `embedding_dim`."""
        return embedding_dim

    def build(self, inputs_shape):
        shape = tuple(inputs_shape[:-1]) + (self.step_inputs_size(inputs_shape[-1]),)
        for layer in self.stack:
            layer.build(shape)
            shape = shape[:-1] + (self.units,)

    def initial_state(self, source, memory=None, memory_mask=None):
        """What the bridge reads (`source`: an encoder's final states, one list per
        layer, or a vector `(B, D)`), `memory (B, S, M)` and `memory_mask (B, S)`
        (both optional) -> the decoding state dict."""
        state = {"states": list(self.bridge_layer(source))}
        if memory is not None:
            state["memory"] = memory
            state["memory_mask"] = memory_mask
        return state

    def call(self, inputs, state, mask=None, training=False):
        """`inputs (B, T, E)`, state -> `(outputs (B, T, units), None)`; `mask (B, T)`."""
        outputs, _ = self.run_cells(inputs, state["states"], mask=mask, training=training)
        return outputs, None

    def step(self, inputs, state, training=False):
        """`inputs (N, E)`, state -> `(outputs (N, units), new state, weights (N, S) or None)`."""
        h, states = self.step_cells(inputs, state["states"], training=training)
        weights = None
        if "memory" in state:
            weights = ops.zeros((ops.shape(h)[0], ops.shape(state["memory"])[1]), h.dtype)
        return h, {**state, "states": states}, weights

    # ------------------------------------------------------------------ #
    # The cells: full path and one-step path, for this class and its subclasses
    # ------------------------------------------------------------------ #
    def run_cells(self, inputs, states, mask=None, training=False):
        """`(B, T, F)`, flat states -> `((B, T, units), flat final states)`."""
        x, finals = inputs, []
        for i, (layer, s) in enumerate(zip(self.stack, self._per_layer(states))):
            if i > 0:
                x = self.between(x, training=training)
            x, *final = layer(x, initial_state=s, mask=mask, training=training)
            finals.extend(final)
        return x, finals

    def step_cells(self, inputs, states, training=False):
        """`(N, F)`, flat states -> `((N, units), flat new states)`."""
        x, new = inputs, []
        for i, (cell, s) in enumerate(zip(self.cells, self._per_layer(states))):
            if i > 0:
                x = self.between(x, training=training)
            x, s = cell(x, s, training=training)
            new.extend(s)
        return x, new

    def draw_dropout_masks(self, first_inputs, states):
        """Before a hand-written loop over `step_cells`: one dropout mask per sequence, as
        `Recurrent` draws them; `first_inputs (B, F)` is any step's inputs."""
        x = first_inputs
        for cell, s in zip(self.cells, self._per_layer(states)):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
            cell.get_dropout_mask(x)
            cell.get_recurrent_dropout_mask(s[0])
            x = s[0]

    def reset_dropout_masks(self):
        for cell in self.cells:
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()

    def _per_layer(self, states):
        """Flat list -> one list per layer."""
        out, i = [], 0
        for count in self.states_per_layer:
            out.append(list(states[i:i + count]))
            i += count
        return out

    def compute_mask(self, inputs, state, mask=None):
        return None


__all__ = ["PlainDecoder"]
