"""Sequence-level layers: `Recurrent` (loop, fused kernels, scans) and the walk over a model."""

from seqmodels.layers.cudnn import cudnn_incompatibilities, to_keras_layer
from seqmodels.layers.recurrent import Recurrent
from seqmodels.layers.step_cell import StepCell
from seqmodels.layers.walk import implementations, recurrent_layers, set_implementation

__all__ = [
    "Recurrent",
    "StepCell",
    "cudnn_incompatibilities",
    "implementations",
    "recurrent_layers",
    "set_implementation",
    "to_keras_layer",
]
