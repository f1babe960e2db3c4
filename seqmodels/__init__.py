"""seqmodels: recurrent sequence models for Keras 3 on TensorFlow."""

from seqmodels._runtime import require_tensorflow

require_tensorflow()

from seqmodels import constants  # noqa: E402
from seqmodels._version import __version__  # noqa: E402

# Subpackages that import keras (and so TensorFlow, ~3 s) load on first use, which keeps
# `seqmodels --help` fast.
_LAZY = ("cells", "decoding", "diagnostics", "export", "layers", "metrics", "models", "training")


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"seqmodels.{name}")
    raise AttributeError(f"module 'seqmodels' has no attribute {name!r}")


__all__ = [
    "__version__", "cells", "constants", "decoding", "diagnostics", "export", "layers",
    "metrics", "models", "training",
]
