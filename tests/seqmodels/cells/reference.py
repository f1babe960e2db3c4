"""NumPy references of each cell's equations, written from the papers, not from the code."""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def layer_norm(v, gamma, beta, eps=1e-3):
    mean = v.mean(-1, keepdims=True)
    var = v.var(-1, keepdims=True)
    return (v - mean) / np.sqrt(var + eps) * gamma + beta


def g(x):
    return np.where(x >= 0, x + 0.5, sigmoid(x))


def weights_of(cell):
    """Name -> NumPy array, by the cell's attribute names."""
    out = {"kernel": cell.kernel, "recurrent_kernel": getattr(cell, "recurrent_kernel", None),
           "bias": cell.bias}
    for norm in ("input_norm", "recurrent_norm", "cell_norm"):
        if hasattr(cell, norm):
            layer = getattr(cell, norm)
            out[f"{norm}_gamma"], out[f"{norm}_beta"] = layer.gamma, layer.beta
    return {k: np.asarray(v) for k, v in out.items() if v is not None}


def elman(x, w, h, act=np.tanh):
    """x (B, T, I) -> outputs (B, T, U)."""
    out = []
    for t in range(x.shape[1]):
        h = act(x[:, t] @ w["kernel"] + h @ w["recurrent_kernel"] + w.get("bias", 0))
        out.append(h)
    return np.stack(out, 1)


def _pre(x_t, h, w, layer_norm_on):
    xk, hu = x_t @ w["kernel"], h @ w["recurrent_kernel"]
    if layer_norm_on:
        xk = layer_norm(xk, w["input_norm_gamma"], w["input_norm_beta"])
        hu = layer_norm(hu, w["recurrent_norm_gamma"], w["recurrent_norm_beta"])
    return xk, hu


def gru(x, w, h, layer_norm_on=False):
    """Cho et al. with the reset gate after the recurrent product; gate order z, r, n."""
    out = []
    b = w.get("bias", np.zeros((2, w["kernel"].shape[1])))
    for t in range(x.shape[1]):
        xk, hu = _pre(x[:, t], h, w, layer_norm_on)
        xz, xr, xn = np.split(xk + b[0], 3, -1)
        uz, ur, un = np.split(hu + b[1], 3, -1)
        z, r = sigmoid(xz + uz), sigmoid(xr + ur)
        n = np.tanh(xn + r * un)
        h = z * h + (1 - z) * n
        out.append(h)
    return np.stack(out, 1)


def lstm(x, w, h, c, layer_norm_on=False):
    """Hochreiter & Schmidhuber with forget gate; gate order i, f, g, o."""
    out = []
    for t in range(x.shape[1]):
        xk, hu = _pre(x[:, t], h, w, layer_norm_on)
        i, f, gg, o = np.split(xk + hu + w.get("bias", 0), 4, -1)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(gg)
        cc = layer_norm(c, w["cell_norm_gamma"], w["cell_norm_beta"]) if layer_norm_on else c
        h = sigmoid(o) * np.tanh(cc)
        out.append(h)
    return np.stack(out, 1)


def min_gru(x, w, h):
    """Feng et al. 2024: z = sigmoid(x Wz), n = g(x Wn), h = (1 - z) h + z n."""
    kz, kn = np.split(x @ w["kernel"] + w.get("bias", 0), 2, -1)
    out = []
    for t in range(x.shape[1]):
        z = sigmoid(kz[:, t])
        h = (1 - z) * h + z * g(kn[:, t])
        out.append(h)
    return np.stack(out, 1)


def min_lstm(x, w, h):
    """Feng et al. 2024: normalised f, i; h = f' h + i' g(x Wn)."""
    kf, ki, kn = np.split(x @ w["kernel"] + w.get("bias", 0), 3, -1)
    out = []
    for t in range(x.shape[1]):
        f, i = sigmoid(kf[:, t]), sigmoid(ki[:, t])
        h = f / (f + i) * h + i / (f + i) * g(kn[:, t])
        out.append(h)
    return np.stack(out, 1)
