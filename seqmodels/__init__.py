"""seqmodels: recurrent sequence models for Keras 3 on TensorFlow."""

from seqmodels._runtime import require_tensorflow

require_tensorflow()

from seqmodels import cells, constants, layers  # noqa: E402
from seqmodels._version import __version__  # noqa: E402

__all__ = ["__version__", "cells", "constants", "layers"]
