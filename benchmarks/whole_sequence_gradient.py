"""Does a hand-written whole-sequence LSTM gradient beat autodiff on TensorFlow's CPU runtime?

    .venv/bin/python benchmarks/whole_sequence_gradient.py [--rounds 7] [--json PATH]

The experiment behind the "not adopted" row of docs/benchmarks.md. The
hand-written path (`whole_sequence_lstm`) is what cuDNN does: the input
projection `x W + b` of every step is one matrix product before the loop;
the forward loop keeps what the backward needs (h_t, c_t and the four gate
activations); the backward loop computes the gate gradients and
`dh_{t-1} = dz_t U^T`; the weight gradients `dU = H_{t-1}^T dZ`,
`dW = X^T dZ` and `db = sum dZ` are formed after the loop as single large
products over all steps, instead of one small product per step as autodiff
of the loop does. It runs as plain TensorFlow ops (`tf.while_loop`) and,
optionally, with each loop compiled by XLA (`jit_compile=True`).

Before timing, the script measures the largest relative difference of its
gradients from those of `keras.layers.LSTM` on the same weights (float64),
and reports it, so the timings are known to compare the same function.
Timed: forward + backward (GradientTape) of `sum(h_T^2)`, batch 64, median
of interleaved rounds. Also measured: the cost of the one matrix product a
loop step cannot avoid, `(64, H) @ (H, 4H)`, in a TensorFlow while-loop and
in PyTorch (2 threads, own process), which bounds any loop-based LSTM on this
runtime.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

BATCH = 64
POINTS = [(50, 32, 128), (50, 256, 512), (200, 32, 128), (200, 256, 512), (1000, 32, 128)]


def _gate_order(w):
    """Keras's gate blocks [i, f, g, o] -> [i, f, o, g]: one sigmoid over 3 contiguous blocks."""
    i, f, g, o = tf.split(w, 4, axis=-1)
    return tf.concat([i, f, o, g], -1)


def _forward_loop(xp, u, h0, c0):
    """`xp (T, B, 4H)`, `u (H, 4H)`, `h0, c0 (B, H)` -> `hs, cs (T, B, H)`, `acts (T, B, 4H)`."""
    units = tf.shape(h0)[1]
    steps = tf.shape(xp)[0]
    arrays = [tf.TensorArray(xp.dtype, size=steps) for _ in range(3)]

    def body(t, h, c, hs, cs, acts):
        z = tf.gather(xp, t) + tf.matmul(h, u)
        z_sig, z_g = tf.split(z, [3 * units, units], axis=1)
        s, g = tf.sigmoid(z_sig), tf.tanh(z_g)
        i, f, o = tf.split(s, 3, axis=1)
        c = f * c + i * g
        h = o * tf.tanh(c)
        return (t + 1, h, c, hs.write(t, h), cs.write(t, c),
                acts.write(t, tf.concat([s, g], 1)))

    out = tf.while_loop(lambda t, *_: t < steps, body, (0, h0, c0, *arrays),
                        maximum_iterations=steps)
    return tuple(a.stack() for a in out[3:])


def _backward_loop(acts, cs, c0, u, dh_last, dc_last):
    """Gate gradients step by step: -> `dz (T, B, 4H)`, `dh0`, `dc0 (B, H)`."""
    steps = tf.shape(acts)[0]
    c_prev = tf.concat([c0[None], cs[:-1]], 0)
    u_t = tf.transpose(u)

    def body(t, dh, dc, dzs):
        i, f, o, g = tf.split(tf.gather(acts, t), 4, axis=1)
        tc = tf.tanh(tf.gather(cs, t))
        dc = dh * o * (1 - tc * tc) + dc
        dz = tf.concat([dc * g * i * (1 - i), dc * tf.gather(c_prev, t) * f * (1 - f),
                        dh * tc * o * (1 - o), dc * i * (1 - g * g)], 1)
        return t - 1, tf.matmul(dz, u_t), dc * f, dzs.write(t, dz)

    _, dh, dc, dzs = tf.while_loop(
        lambda t, *_: t >= 0, body,
        (steps - 1, dh_last, dc_last, tf.TensorArray(acts.dtype, size=steps)),
        maximum_iterations=steps)
    return dzs.stack(), dh, dc


def whole_sequence_lstm(jit=False):
    """`f(x (B, T, I), kernel, recurrent_kernel, bias) -> h_T (B, H)`, hand-written gradient."""
    forward = tf.function(_forward_loop, jit_compile=True) if jit else _forward_loop
    backward = tf.function(_backward_loop, jit_compile=True) if jit else _backward_loop

    @tf.custom_gradient
    def core(xp, u, h0, c0):
        hs, cs, acts = forward(*[tf.stop_gradient(v) for v in (xp, u, h0, c0)])

        def grad(d_hs, d_c_last):
            dz, dh0, dc0 = backward(acts, cs, c0, u, d_hs[-1], d_c_last)
            h_prev = tf.concat([h0[None], hs[:-1]], 0)
            units = tf.shape(h0)[1]
            du = tf.matmul(tf.reshape(h_prev, (-1, units)), tf.reshape(dz, (-1, 4 * units)),
                           transpose_a=True)
            return dz, du, dh0, dc0

        return (hs, cs[-1]), grad

    def run(x, kernel, recurrent_kernel, bias):
        steps, features = tf.shape(x)[1], tf.shape(x)[2]
        x_tm = tf.reshape(tf.transpose(x, (1, 0, 2)), (-1, features))
        xp = tf.matmul(x_tm, _gate_order(kernel)) + _gate_order(bias)  # one product, all steps
        xp = tf.reshape(xp, (steps, tf.shape(x)[0], -1))
        zeros = tf.zeros((tf.shape(x)[0], tf.shape(recurrent_kernel)[0]), x.dtype)
        hs, _ = core(xp, _gate_order(recurrent_kernel), zeros, zeros)
        return hs[-1]

    return run


def gradient_step(fn, variables):
    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
            loss = tf.reduce_sum(y * y)
        return loss, tape.gradient(loss, [x, *variables])

    return step


def check_gradients(features, hidden, time_steps=7):
    """Max relative difference of all gradients from `keras.layers.LSTM`'s, in float64."""
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(3, time_steps, features)))
    layer = keras.layers.LSTM(hidden, dtype="float64")
    layer.build((None, time_steps, features))
    kernel, recurrent, bias = (tf.Variable(w) for w in layer.get_weights())
    ours = gradient_step(lambda v: whole_sequence_lstm()(v, kernel, recurrent, bias),
                         [kernel, recurrent, bias])(x)[1]
    reference = gradient_step(layer, layer.trainable_variables)(x)[1]
    return max(float(tf.reduce_max(tf.abs(a - b)) / (tf.reduce_max(tf.abs(b)) + 1e-30))
               for a, b in zip(ours, reference))


def time_point(time_steps, features, hidden, rounds):
    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(size=(BATCH, time_steps, features)).astype("float32"))
    layer = keras.layers.LSTM(hidden)
    layer.build((None, time_steps, features))
    weights = [tf.Variable(w) for w in layer.get_weights()]
    steps = {
        "keras": gradient_step(layer, layer.trainable_variables),
        "whole_sequence": gradient_step(lambda v: whole_sequence_lstm()(v, *weights), weights),
        "whole_sequence_xla": gradient_step(lambda v: whole_sequence_lstm(True)(v, *weights),
                                            weights),
    }
    for step in steps.values():
        step(x)
    samples = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            step(x)[0].numpy()
            samples[name].append(time.perf_counter() - start)
    ms = {name: 1000 * statistics.median(s) for name, s in samples.items()}
    return {"T": time_steps, "I": features, "H": hidden,
            **{f"{name}_ms": value for name, value in ms.items()},
            "whole_sequence_vs_keras": ms["keras"] / ms["whole_sequence"],
            "whole_sequence_xla_vs_keras": ms["keras"] / ms["whole_sequence_xla"]}


def tf_step_matmul_us(hidden, steps=200, rounds=7):
    """Microseconds per iteration of a while-loop whose body is one `(64, H) @ (H, 4H)`."""
    u = tf.random.normal((hidden, 4 * hidden)) * 0.05
    h0 = tf.random.normal((BATCH, hidden))

    @tf.function
    def loop(h):
        return tf.while_loop(lambda t, h: t < steps,
                             lambda t, h: (t + 1, tf.matmul(h, u)[:, :hidden]), (0, h),
                             maximum_iterations=steps)[1]

    loop(h0)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        loop(h0).numpy()
        samples.append(time.perf_counter() - start)
    return 1e6 * statistics.median(samples) / steps


TORCH_MATMUL = """
import statistics, sys, time, torch
torch.set_num_threads(2)
torch.set_flush_denormal(True)  # as TensorFlow does: the decaying h must not turn subnormal
hidden, steps = int(sys.argv[1]), 200
u, h0 = torch.randn(hidden, 4 * hidden) * 0.05, torch.randn(64, hidden)
samples = []
for _ in range(8):
    h, start = h0, time.perf_counter()
    for _ in range(steps):
        h = (h @ u)[:, :hidden]
    samples.append(time.perf_counter() - start)
print(1e6 * statistics.median(samples[1:]) / steps)
"""


def torch_step_matmul_us(hidden):
    out = subprocess.run([sys.executable, "-c", TORCH_MATMUL, str(hidden)],
                         capture_output=True, text=True, check=False)
    return float(out.stdout.strip()) if out.returncode == 0 else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    result = {"gradient_check_max_relative_difference": check_gradients(5, 4),
              "points": [], "step_matmul_us": []}
    print("gradients vs keras.layers.LSTM (float64), max relative difference:",
          f"{result['gradient_check_max_relative_difference']:.1e}", flush=True)
    for point in POINTS:
        result["points"].append(time_point(*point, args.rounds))
        print(json.dumps(result["points"][-1]), flush=True)
    for hidden in (128, 512):
        row = {"H": hidden, "tensorflow_us": tf_step_matmul_us(hidden),
               "torch_us": torch_step_matmul_us(hidden)}
        result["step_matmul_us"].append(row)
        print(json.dumps(row), flush=True)
    print("\n| T | I | H | keras ms | whole-sequence ms | with XLA ms | vs keras | XLA vs keras |")
    print("|---|---|---|---|---|---|---|---|")
    for r in result["points"]:
        print(f"| {r['T']} | {r['I']} | {r['H']} | {r['keras_ms']:.1f} "
              f"| {r['whole_sequence_ms']:.1f} | {r['whole_sequence_xla_ms']:.1f} "
              f"| {r['whole_sequence_vs_keras']:.2f}x | {r['whole_sequence_xla_vs_keras']:.2f}x |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
