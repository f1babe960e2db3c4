"""Building a subclassed model from input shapes (on first call and on `.keras` load).

Keras builds a subclassed model by calling it; done silently here, on
zeros shaped like the inputs (unknown dimensions become 2), so every
sub-layer owns its weights before any loop runs and before weights load.
"""

from keras import ops

from seqmodels.constants import MASK_SUFFIX


class BuildByCall:
    """Mixin for `keras.Model` subclasses whose inputs are a dict of named tensors.

    Subclasses list their integer-valued inputs in `integer_inputs()`; keys
    ending in `MASK_SUFFIX` (`_mask`) are bool, the rest float32.
    """

    def integer_inputs(self):
        return ()

    def build(self, input_shape):
        if isinstance(input_shape, dict):
            dummy = {k: self._zeros(k, s) for k, s in input_shape.items()}
        else:
            dummy = self._zeros("inputs", input_shape)
        self.call(dummy)
        self.built = True

    def _zeros(self, key, shape):
        shape = tuple(2 if d is None else d for d in shape)
        if key.endswith(MASK_SUFFIX):
            return ops.ones(shape, dtype="bool")
        return ops.zeros(shape, dtype="int32" if key in self.integer_inputs() else "float32")


__all__ = ["BuildByCall"]
