import numpy as np
import pytest

from seqmodels.models import ManyToOne


def contracting_elman(decay=0.5, input_weight=0.0):
    """h_t = tanh(input_weight x_t + decay h_{t-1}), y = h_T; at h = 0, dh_t/dh_{t-1} = decay."""
    model = ManyToOne(1, task="regression", cell="elman", units=1, pooling="last")
    model({"inputs": np.zeros((1, 2, 1), "float32")})
    cell = model.encoder.stack[0].cell
    cell.kernel.assign([[input_weight]])
    cell.recurrent_kernel.assign([[decay]])
    cell.bias.assign([0.0])
    model.head.kernel.assign([[1.0]])
    model.head.bias.assign([0.0])
    return model


@pytest.fixture
def elman():
    return contracting_elman()
