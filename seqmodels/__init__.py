"""seqmodels: recurrent sequence models for Keras 3 on TensorFlow.

`import seqmodels` registers every public Keras class (cells, layers, models)
with Keras, so `keras.saving.load_model("model.keras")` finds them after a
plain `import seqmodels` (Keras locates non-Keras classes only by
registration). The `seqmodels` command starts through `seqmodels_cli`, which
defers that import to the commands that need it, so `seqmodels --help`
answers without loading TensorFlow.
"""

import sys

from seqmodels._runtime import require_tensorflow

require_tensorflow()

from seqmodels import constants  # noqa: E402
from seqmodels._version import __version__  # noqa: E402

# Subpackages that are not Keras classes load on first use.
_LAZY = ("cells", "decoding", "diagnostics", "export", "layers", "losses", "metrics", "models",
         "training")

if "seqmodels_cli" not in sys.modules:  # the command line imports what each command needs
    from seqmodels import cells, layers, losses, models  # noqa: E402,F401  (registers them)


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"seqmodels.{name}")
    raise AttributeError(f"module 'seqmodels' has no attribute {name!r}")


__all__ = [
    "__version__", "cells", "constants", "decoding", "diagnostics", "export", "layers",
    "losses", "metrics", "models", "training",
]
