"""What the `"auto"` settings of `Recurrent` stand for: implementation and scan path.

Implementation (`implementation="auto"`). A layer whose cell and options the
fused kernels take (`seqmodels.layers.cudnn.cudnn_incompatibilities` is
empty) runs its full sequence through the Keras built-in on an accelerator,
where that is cuDNN. On CPU the built-in is Keras's generic loop, and "auto"
takes whichever of the two loops measured faster for the cell
(benchmarks/cells.py, docs/benchmarks.md): the built-in for the LSTM (our loop
measured 0.84-1.01x it), our loop for the GRU (ours does fewer operations per
step than Keras's GRU cell: 0.97-1.21x). On JAX's CPU the loop is taken for
both: an `EncoderDecoder(cell="lstm")` training step measured 7x slower on the
built-in there (benchmarks/gpu.py --quick; docs/benchmarks.md).

Scan path (`scan_path="auto"`, linear-recurrence cells). Measured on 2 CPU
cores (benchmarks/cells.py; docs/benchmarks.md): the step-by-step scan with its
reverse-scan gradient is the fastest CPU path when a step holds many elements
(batch x units >= 8192); the chunked scan wins when a step is small, because
then a loop iteration costs more than its arithmetic (1.7x at batch 8 x 128
units and 6x at batch 1 x 64 units, T = 4096). The log-space parallel scan is
4-7x slower than both on CPU and is meant for accelerators, where cumulative
sums run in parallel.
"""

import functools

import keras
from keras import ops

from seqmodels.layers.scan import chunked_scan, parallel_scan, sequential_scan

#: On CPU, take the chunked scan when batch x units is at most this ...
CHUNKED_MAX_STEP_ELEMENTS = 2048
#: ... and the sequence has at least this many steps.
CHUNKED_MIN_TIME = 64


@functools.cache
def on_accelerator():
    """True when the backend will place this computation on a GPU or TPU (looked up once)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return bool(tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("TPU"))
    if backend == "jax":
        import jax

        return jax.default_backend() in ("gpu", "tpu")
    if backend == "torch":
        import torch

        return torch.cuda.is_available()
    return False


#: Cells whose CPU `"auto"` implementation is the fused (built-in) layer; the others keep the loop.
CPU_FUSED_CELLS = ("LSTMCell",)


def auto_implementation(cell):
    """`"fused"` or `"loop"`: what `implementation="auto"` takes for an eligible cell here."""
    if on_accelerator():
        return "fused"
    if keras.backend.backend() == "tensorflow" and type(cell).__name__ in CPU_FUSED_CELLS:
        return "fused"
    return "loop"  # JAX / torch on CPU: measured only for JAX, where the loop was faster


def auto_scan(log_a, log_b, h0):
    """Run the path `path="auto"` stands for. `(B, T, U)` x2, `(B, U)` -> `(B, T, U)`."""
    if on_accelerator():
        return parallel_scan(log_a, log_b, h0)
    batch, time, units = ops.shape(log_a)
    if all(isinstance(d, int) for d in (batch, time)):
        if batch * units <= CHUNKED_MAX_STEP_ELEMENTS and time >= CHUNKED_MIN_TIME:
            return chunked_scan(log_a, log_b, h0)
        return sequential_scan(log_a, log_b, h0)
    small = ops.logical_and(batch * units <= CHUNKED_MAX_STEP_ELEMENTS, time >= CHUNKED_MIN_TIME)
    return ops.cond(small, lambda: chunked_scan(log_a, log_b, h0),
                    lambda: sequential_scan(log_a, log_b, h0))
