"""Recurrent layers side by side: training-step throughput on this machine.

Two sections, each timed as medians of interleaved rounds in one process, so
the ratios hold even on a shared, noisy machine:

1. `gated`: LSTM and GRU training steps (forward + backward + Adam) —
   `seqmodels.layers.Recurrent(LSTMCell/GRUCell)` with `implementation="auto"`
   beside its two paths (`"loop"`, `"fused"`: the goal is auto >= 0.98x the
   faster of the two) vs `keras.layers.LSTM/GRU` vs
   `torch.nn.LSTM/GRU` (2 threads, in a worker process of its own: sharing a
   process with TensorFlow's thread pool made torch up to 10x slower) — at
   B=64, T in {50, 200, 1000}, input size in {32, 256}, hidden size in {128, 512}.
   Reports sequences/s,
   GFLOP/s (2 multiply-adds per weight per step, x3 for forward + backward)
   and the fraction of the measured float32 matmul ceiling (tf.matmul 2048^2).
2. `mingru`: MinGRU over T in {256 ... 8192} via the sequential, chunked and
   parallel scans and `scan_path="auto"`, beside `keras.layers.GRU`.
3. `scaling` (the seed's O(T) sequential cost): seconds per training step
   (batch 32, input 32, 128 units) against T in {64 ... 8192} for the
   sequential cells (`Recurrent(GRUCell)`, `Recurrent(LSTMCell)`), the fused
   input path (`fuse_inputs=True`) and MinGRU's sequential and parallel scans;
   the crossover is the first T at which the parallel scan beats the
   sequential GRU. Keras-only code, so it also runs on Keras's JAX backend
   (`KERAS_BACKEND=jax`, e.g. on a GPU machine without TensorFlow).

Usage:
    python benchmarks/cells.py [--section gated|mingru|scaling|all] [--rounds 3] [--quick]
        [--no-torch] [--points lstm:200:32:128 ...]

Writes benchmarks/results/cells.json (scaling: cells_scaling_<backend>_<device>.json) and
prints Markdown tables.
"""

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

if keras.backend.backend() == "tensorflow":
    import tensorflow as tf
else:  # the scaling section on another backend (no TensorFlow needed)
    tf = None

from seqmodels.cells import GRUCell, LSTMCell, MinGRUCell  # noqa: E402
from seqmodels.layers import Recurrent  # noqa: E402

RESULTS = Path(__file__).parent / "results" / "cells.json"
BATCH = 64


def matmul_ceiling(n=2048, repeats=10):
    """float32 GFLOP/s of tf.matmul at n x n: the machine's practical ceiling."""
    a = tf.random.normal((n, n))
    matmul = tf.function(lambda x: tf.matmul(x, x))
    matmul(a).numpy()
    start = time.perf_counter()
    for _ in range(repeats):
        matmul(a).numpy()
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def keras_model(layer, time_steps, features):
    inputs = keras.Input((time_steps, features))
    outputs = keras.layers.Dense(1)(layer(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model


def keras_runner(model, x, y):
    model.train_on_batch(x, y)  # trace once

    def run(steps):
        for _ in range(steps):
            model.train_on_batch(x, y)

    return run


def _torch_worker(connection, kind, x, y, hidden):
    """Runs in its own process: torch's and TensorFlow's thread pools never share one."""
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(0)
    rnn = (torch.nn.LSTM if kind == "lstm" else torch.nn.GRU)(x.shape[-1], hidden,
                                                               batch_first=True)
    head = torch.nn.Linear(hidden, 1)
    optimizer = torch.optim.Adam(list(rnn.parameters()) + list(head.parameters()), lr=1e-3)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        out, _ = rnn(xt)
        loss = torch.nn.functional.mse_loss(head(out[:, -1]), yt)
        loss.backward()
        optimizer.step()

    step()
    connection.send("ready")
    while (steps := connection.recv()) is not None:
        start = time.perf_counter()
        for _ in range(steps):
            step()
        connection.send(time.perf_counter() - start)


class TorchRunner:
    """A torch training loop in a worker process, driven step-count by step-count."""

    def __init__(self, kind, x, y, hidden):
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_torch_worker, args=(child, kind, x, y, hidden))
        self.process.start()
        assert self.connection.recv() == "ready"
        self.elapsed = None

    def __call__(self, steps):
        self.connection.send(steps)
        self.elapsed = self.connection.recv()

    def close(self):
        self.connection.send(None)
        self.process.join()


def time_interleaved(runners, steps, rounds):
    """Median seconds per step for each runner, rounds interleaved.

    A `TorchRunner` reports the time measured inside its own process.
    """
    samples = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            run(steps)
            elapsed = getattr(run, "elapsed", None) or time.perf_counter() - start
            samples[name].append(elapsed / steps)
    return {name: statistics.median(s) for name, s in samples.items()}


def gated_flops(kind, time_steps, features, hidden):
    gates = 4 if kind == "lstm" else 3
    forward = 2 * BATCH * time_steps * (features + hidden) * gates * hidden
    return 3 * forward


def bench_gated(kind, time_steps, features, hidden, rounds, ceiling, with_torch=True):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, time_steps, features)).astype("float32")
    y = rng.normal(size=(BATCH, 1)).astype("float32")
    cell = LSTMCell(hidden) if kind == "lstm" else GRUCell(hidden)
    built_in = keras.layers.LSTM(hidden) if kind == "lstm" else keras.layers.GRU(hidden)
    make = LSTMCell if kind == "lstm" else GRUCell
    runners = {
        "seqmodels": keras_runner(keras_model(Recurrent(cell), time_steps, features), x, y),
        "seqmodels_loop": keras_runner(keras_model(
            Recurrent(make(hidden), implementation="loop"), time_steps, features), x, y),
        "seqmodels_fused": keras_runner(keras_model(
            Recurrent(make(hidden), implementation="fused"), time_steps, features), x, y),
        "keras": keras_runner(keras_model(built_in, time_steps, features), x, y),
    }
    if with_torch:
        runners["torch"] = TorchRunner(kind, x, y, hidden)
    probe = time_interleaved(runners, 1, 1)
    steps = max(1, int(1.0 / max(probe.values())))
    seconds = time_interleaved(runners, steps, rounds)
    if with_torch:
        runners["torch"].close()
    flops = gated_flops(kind, time_steps, features, hidden)
    row = {"cell": kind, "T": time_steps, "I": features, "H": hidden, "steps": steps,
           "auto_path": Recurrent(make(hidden)).implementation_used}
    for name, s in seconds.items():
        row[f"{name}_seq_per_s"] = BATCH / s
        row[f"{name}_gflops"] = flops / s / 1e9
        row[f"{name}_ceiling_fraction"] = flops / s / 1e9 / ceiling
    row["vs_keras"] = seconds["keras"] / seconds["seqmodels"]
    row["auto_vs_best_path"] = min(seconds["seqmodels_loop"],
                                   seconds["seqmodels_fused"]) / seconds["seqmodels"]
    if with_torch:
        row["vs_torch"] = seconds["torch"] / seconds["seqmodels"]
    return row


def bench_mingru(time_steps, rounds, features=32, hidden=128):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, time_steps, features)).astype("float32")
    y = rng.normal(size=(BATCH, 1)).astype("float32")
    runners = {}
    for path in ("sequential", "chunked", "parallel", "auto"):
        layer = Recurrent(MinGRUCell(hidden), scan_path=path)
        runners[f"mingru_{path}"] = keras_runner(keras_model(layer, time_steps, features), x, y)
    runners["keras_gru"] = keras_runner(
        keras_model(keras.layers.GRU(hidden), time_steps, features), x, y)
    probe = time_interleaved(runners, 1, 1)
    steps = max(1, int(0.5 / max(probe.values())))
    seconds = time_interleaved(runners, steps, rounds)
    row = {"T": time_steps, "I": features, "H": hidden, "steps": steps}
    for name, s in seconds.items():
        row[f"{name}_seq_per_s"] = BATCH / s
    best = min(v for k, v in seconds.items() if k.startswith("mingru_") and k != "mingru_auto")
    row["auto_vs_best"] = best / seconds["mingru_auto"]
    row["auto_vs_keras_gru"] = seconds["keras_gru"] / seconds["mingru_auto"]
    return row


SCALING_LAYERS = {
    "gru": lambda h: Recurrent(GRUCell(h), fuse_inputs=False),
    "gru_fused": lambda h: Recurrent(GRUCell(h), fuse_inputs=True),
    "lstm": lambda h: Recurrent(LSTMCell(h), fuse_inputs=False),
    "mingru_sequential": lambda h: Recurrent(MinGRUCell(h), scan_path="sequential"),
    "mingru_parallel": lambda h: Recurrent(MinGRUCell(h), scan_path="parallel"),
}


def bench_scaling(time_steps, rounds, batch=32, features=32, hidden=128):
    """Seconds per training step of each `SCALING_LAYERS` entry at one T."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, time_steps, features)).astype("float32")
    y = rng.normal(size=(batch, 1)).astype("float32")
    runners = {name: keras_runner(keras_model(make(hidden), time_steps, features), x, y)
               for name, make in SCALING_LAYERS.items()}
    probe = time_interleaved(runners, 1, 1)
    steps = max(1, int(0.5 / max(probe.values())))
    seconds = time_interleaved(runners, steps, rounds)
    return {"T": time_steps, "B": batch, "I": features, "H": hidden, "steps": steps,
            **{f"{name}_s": value for name, value in seconds.items()},
            "parallel_vs_gru": seconds["gru"] / seconds["mingru_parallel"]}


def crossover(rows, fast="mingru_parallel_s", slow="gru_s"):
    """The first T at which `fast` takes less time per step than `slow` (None if never)."""
    return next((row["T"] for row in rows if row[fast] < row[slow]), None)


def device_name():
    if keras.backend.backend() == "jax":
        import jax

        return jax.devices()[0].platform
    return "gpu" if tf.config.list_logical_devices("GPU") else "cpu"


def gated_grid(quick):
    if quick:
        return [(k, 50, 32, 128) for k in ("lstm", "gru")]
    return [(k, t, i, h) for k in ("lstm", "gru") for t in (50, 200, 1000)
            for i in (32, 256) for h in (128, 512)]


def print_tables(result):
    if result.get("gated"):
        print("\n| cell | T | I | H | auto path | auto seq/s | loop seq/s | fused seq/s "
              "| keras seq/s | torch seq/s | auto / best path | vs keras | vs torch "
              "| auto GFLOP/s | % ceiling |")
        print("|---" * 15 + "|")
        for r in result["gated"]:
            torch_s = f"{r['torch_seq_per_s']:.0f}" if "torch_seq_per_s" in r else "-"
            vs_torch = f"{r['vs_torch']:.2f}x" if "vs_torch" in r else "-"
            print(f"| {r['cell']} | {r['T']} | {r['I']} | {r['H']} | {r['auto_path']} "
                  f"| {r['seqmodels_seq_per_s']:.0f} | {r['seqmodels_loop_seq_per_s']:.0f} "
                  f"| {r['seqmodels_fused_seq_per_s']:.0f} "
                  f"| {r['keras_seq_per_s']:.0f} | {torch_s} | {r['auto_vs_best_path']:.2f} "
                  f"| {r['vs_keras']:.2f}x | {vs_torch} | {r['seqmodels_gflops']:.0f} "
                  f"| {100 * r['seqmodels_ceiling_fraction']:.0f}% |")
    if result.get("mingru"):
        print("\n| T | sequential | chunked | parallel | auto | Keras GRU | auto / best "
              "| auto vs Keras GRU |")
        print("|---|---|---|---|---|---|---|---|")
        for r in result["mingru"]:
            print(f"| {r['T']} | {r['mingru_sequential_seq_per_s']:.0f} "
                  f"| {r['mingru_chunked_seq_per_s']:.0f} | {r['mingru_parallel_seq_per_s']:.0f} "
                  f"| {r['mingru_auto_seq_per_s']:.0f} | {r['keras_gru_seq_per_s']:.0f} "
                  f"| {r['auto_vs_best']:.2f} | {r['auto_vs_keras_gru']:.1f}x |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=("gated", "mingru", "scaling", "all"),
                        default="all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a small grid, for a smoke run")
    parser.add_argument("--out", default=None)
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--points", nargs="*", default=None, metavar="CELL:T:I:H",
                        help="only these gated points, e.g. lstm:200:32:128")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    if args.section == "scaling":
        return main_scaling(args)
    ceiling = matmul_ceiling()
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "tensorflow": tf.__version__, "keras": keras.__version__,
                          "matmul_gflops_2048": ceiling},
              "batch": BATCH, "rounds": args.rounds}
    print(f"float32 matmul ceiling (2048^2): {ceiling:.0f} GFLOP/s", flush=True)
    if args.section in ("gated", "all"):
        result["gated"] = []
        points = ([(p.split(":")[0], *map(int, p.split(":")[1:])) for p in args.points]
                  if args.points else gated_grid(args.quick))
        for kind, t, i, h in points:
            result["gated"].append(bench_gated(kind, t, i, h, args.rounds, ceiling,
                                               with_torch=not args.no_torch))
            print(json.dumps(result["gated"][-1]), flush=True)
    if args.section in ("mingru", "all"):
        result["mingru"] = []
        for t in ((256, 1024) if args.quick else (256, 1024, 4096, 8192)):
            result["mingru"].append(bench_mingru(t, args.rounds))
            print(json.dumps(result["mingru"][-1]), flush=True)
    out = Path(args.out or RESULTS)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print_tables(result)


def main_scaling(args):
    lengths = (64, 256, 1024) if args.quick else (64, 256, 1024, 4096, 8192)
    rows = []
    for t in lengths:
        rows.append(bench_scaling(t, args.rounds))
        print(json.dumps(rows[-1]), flush=True)
    device = device_name()
    result = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "backend": keras.backend.backend(), "device": device,
                          "keras": keras.__version__},
              "rounds": args.rounds, "scaling": rows,
              "crossover_parallel_vs_gru": crossover(rows),
              "crossover_parallel_vs_sequential_scan": crossover(
                  rows, slow="mingru_sequential_s")}
    name = f"cells_scaling_{keras.backend.backend()}_{device}.json"
    out = Path(args.out) if args.out else RESULTS.parent / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    names = list(SCALING_LAYERS)
    print("| T | " + " | ".join(f"{n} (ms)" for n in names) + " | GRU / parallel |")
    print("|---" * (len(names) + 2) + "|")
    for row in rows:
        cells = " | ".join(f"{1000 * row[n + '_s']:.1f}" for n in names)
        print(f"| {row['T']} | {cells} | {row['parallel_vs_gru']:.2f}x |")
    print("crossover (parallel beats GRU):", result["crossover_parallel_vs_gru"])


if __name__ == "__main__":
    main()
