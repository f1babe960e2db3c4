"""Find the `Recurrent` layers inside a model, and report the path each one takes."""

import keras

from seqmodels.layers.cudnn import cudnn_incompatibilities
from seqmodels.layers.recurrent import Recurrent


def recurrent_layers(model) -> dict:
    """`{path: Recurrent layer}` of `model`, e.g. `"encoder/forward_recurrent_0"`.

    Walks Keras's private `Layer._layers` (checked on Keras 3.15.1): Keras
    offers no public walk that keeps the nesting path (`model.layers` lists
    the top level only, `_flatten_layers` drops the names of the parents).
    The two directions of a `Bidirectional` appear as `forward_<name>` and
    `backward_<name>`.
    """
    found = {}

    def walk(layer, path):
        for sub in layer._layers:
            if isinstance(sub, Recurrent):
                found["/".join(path + [sub.name])] = sub
            elif isinstance(sub, keras.layers.Bidirectional):
                walk(sub, path)
            else:
                walk(sub, path + [sub.name])

    walk(model, [])
    if not found:
        raise ValueError(
            f"{type(model).__name__} has no seqmodels `Recurrent` layer. Expected a model of "
            "seqmodels.models or one built of seqmodels.layers.Recurrent.")
    return found


def implementations(model) -> dict:
    """`{path: (implementation_used, reasons)}` for every `Recurrent` layer of `model`.

    `implementation_used` is `"fused"` (the Keras built-in kernel: cuDNN on a
    GPU), `"loop"` or `"scan"`; `reasons` says why a layer is not fused.

    Example (TensorFlow on CPU, where `"auto"` fuses the LSTM and loops the GRU):

    >>> import numpy as np
    >>> from seqmodels.models import ManyToOne
    >>> model = ManyToOne(2, cell="lstm", units=4, num_layers=2)
    >>> _ = model({"inputs": np.ones((1, 5, 3), "float32")})
    >>> set_implementation(model, "auto") is model
    True
    >>> for path, (used, reasons) in implementations(model).items():
    ...     print(path, used, reasons)
    encoder/recurrent_0 fused []
    encoder/recurrent_1 fused []
    """
    return {path: (layer.implementation_used, layer.implementation_reasons)
            for path, layer in recurrent_layers(model).items()}


def set_implementation(model, implementation):
    """Set `implementation` (`"auto"`, `"fused"`, `"loop"`) on every GRU/LSTM layer of `model`.

    Layers the fused kernels cannot run (other cells, or options outside
    cuDNN's) keep their setting when `"fused"` is asked; `implementations`
    says which path each layer then takes.
    Returns `model`.
    """
    for layer in recurrent_layers(model).values():
        if layer.cell.is_linear_recurrence:
            continue
        if implementation == "fused" and cudnn_incompatibilities(layer):
            continue
        layer.implementation = implementation
    return model
