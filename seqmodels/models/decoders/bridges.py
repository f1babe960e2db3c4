"""Bridges: what a decoder's initial states are made from (a decoder's `bridge` argument).

    "zeros"   ZerosBridge    zeros, whatever the source
    "dense"   DenseBridge    an encoder's final states, layer by layer:
                             h_0 = tanh(W h_enc), c_0 = W' c_enc
    "vector"  VectorBridge   one vector `v (B, D)`: every state tanh(W_k v)   (OneToMany)

A decoder makes its bridge from its own state layout and applies it in
`initial_state`. Each returns the decoder's flat `states` list (layer 0's
states, then layer 1's, ...), each `(B, units)`.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="seqmodels")
class ZerosBridge(keras.layers.Layer):
    """Zero initial states.

    Args:
        state_sizes: list of int. The decoder's `state_sizes`.

    Call arguments:
        source: tensors (nested or not) whose first dimension is the batch.
    """

    def __init__(self, state_sizes, **kwargs):
        super().__init__(**kwargs)
        self.state_sizes = [int(size) for size in state_sizes]
        self.supports_masking = True  # reads only the batch size: a mask on it changes nothing

    def call(self, source):
        batch = ops.shape(keras.tree.flatten(source)[0])[0]
        return [ops.zeros((batch, size)) for size in self.state_sizes]

    def compute_mask(self, source, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "state_sizes": self.state_sizes}


@keras.saving.register_keras_serializable(package="seqmodels")
class DenseBridge(keras.layers.Layer):
    """Decoder layer `i`'s states from encoder layer `min(i, last)`'s final states.

    State `k` of a layer maps through its own `Dense(units)`: `tanh` for the
    hidden state (`k = 0`), linear for the others (an LSTM's cell state).

    Args:
        units: int. The decoder's units.
        states_per_layer: list of int. The decoder's state count per layer.

    Call arguments:
        final: one list per encoder layer of that layer's final states.
    """

    def __init__(self, units, states_per_layer, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.states_per_layer = [int(count) for count in states_per_layer]
        self.maps = [  # flat: layer 0's states, then layer 1's, ...
            keras.layers.Dense(self.units, activation="tanh" if k == 0 else None,
                               name=f"bridge_{i}_{k}")
            for i, count in enumerate(self.states_per_layer) for k in range(count)
        ]

    def _sources(self, final):
        """`(dense map, its source)` pairs in the order of the flat decoder states."""
        pairs, maps = [], iter(self.maps)
        for i, count in enumerate(self.states_per_layer):
            layer = final[min(i, len(final) - 1)]
            pairs.extend((next(maps), layer[k]) for k in range(count))
        return pairs

    def build(self, final_shape):
        for dense, shape in self._sources(final_shape):
            dense.build(shape)

    def call(self, final):
        return [dense(source) for dense, source in self._sources(final)]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "states_per_layer": self.states_per_layer}


@keras.saving.register_keras_serializable(package="seqmodels")
class VectorBridge(keras.layers.Layer):
    """Every initial state `tanh(W_k v)` from one vector `v (B, D)`.

    Args:
        state_sizes: list of int. The decoder's `state_sizes`.
    """

    def __init__(self, state_sizes, **kwargs):
        super().__init__(**kwargs)
        self.state_sizes = [int(size) for size in state_sizes]
        self.maps = [keras.layers.Dense(size, activation="tanh", name=f"bridge_{i}")
                     for i, size in enumerate(self.state_sizes)]

    def build(self, vector_shape):
        for dense in self.maps:
            dense.build(vector_shape)

    def call(self, vector):
        return [dense(vector) for dense in self.maps]

    def get_config(self):
        return {**super().get_config(), "state_sizes": self.state_sizes}


def make_bridge(kind, units, states_per_layer):
    """The bridge `kind` (a key of `BRIDGES`) for a decoder of `units` whose layers carry
    `states_per_layer` states each."""
    state_sizes = [units] * sum(states_per_layer)
    if kind == "dense":
        return DenseBridge(units, states_per_layer, name="bridge")
    if kind == "vector":
        return VectorBridge(state_sizes, name="bridge")
    return ZerosBridge(state_sizes, name="bridge")


BRIDGES = {"dense": DenseBridge, "zeros": ZerosBridge, "vector": VectorBridge}


__all__ = ["BRIDGES", "DenseBridge", "VectorBridge", "ZerosBridge", "make_bridge"]
