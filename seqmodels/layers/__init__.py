"""Sequence-level layers: the fused, scan-capable `Recurrent` and the cuDNN bridge."""

from seqmodels.layers.cudnn import cudnn_incompatibilities, to_keras_layer
from seqmodels.layers.recurrent import Recurrent

__all__ = ["Recurrent", "cudnn_incompatibilities", "to_keras_layer"]
