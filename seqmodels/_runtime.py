"""Runtime check: seqmodels runs on TensorFlow (the CPU or the CUDA build).

The check uses `importlib.util.find_spec`, so it costs microseconds and does not
import TensorFlow (which takes ~3 s); `seqmodels --help` stays fast.
"""

import importlib.util
import os

INSTALL_HINT = (
    "Install one runtime with the package extras: "
    "pip install 'seqmodels[cpu]' (tensorflow-cpu) or "
    "pip install 'seqmodels[gpu]' (tensorflow with CUDA)."
)


def require_tensorflow() -> None:
    """Raise one clear ImportError when TensorFlow is not installed.

    With `KERAS_BACKEND=jax` or `torch` the check is skipped: the keras.ops
    core (cells, layers, models) can run on those backends for measurement;
    pipelines and export still need TensorFlow.
    """
    if os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow":
        return
    try:
        found = importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):  # a broken or blocked installation
        found = False
    if not found:
        raise ImportError(f"seqmodels needs TensorFlow, which is not installed. {INSTALL_HINT}")
