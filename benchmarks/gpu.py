"""Training steps on a GPU through Keras's JAX backend: fused (cuDNN) vs loop vs hand-written LSTM.

Self-contained for the lent GPU machine, which has JAX but no TensorFlow
(../shared/PITFALLS.md): it needs only keras 3.15.1 + optree + namex (wheels
carried with the call) and this repository's `seqmodels/` (pure keras.ops on
this path). Inputs are generated here, seeded; nothing is read from disk.

    # on the GPU machine (see docs/benchmarks.md for the exact device command)
    KERAS_BACKEND=jax python3 benchmarks/gpu.py --json $OUT/gpu.json
    # anywhere, as a smoke run (tiny grid, CPU is fine)
    KERAS_BACKEND=jax python benchmarks/gpu.py --quick

Two sections, each timed as medians of interleaved rounds in one process:

1. `models`: one training step (forward + backward + Adam, jit-compiled by
   Keras) of `EncoderDecoder(cell="lstm")` and `ManyToOne(cell="lstm")` with
   `implementation="fused"` and `"loop"`, beside a hand-written
   `keras.layers.LSTM` model of the same size (the ceiling a user gets by hand),
   at T = 50, 200, 1000, batch 64, 256 units. Batches are unmasked (full
   length), because Keras 3.15's JAX backend runs cuDNN only without a mask.
   Goal: fused >= 0.95x the hand-written model and >= 5x the loop at T = 200.
2. `mingru`: `Recurrent(MinGRUCell, scan_path="parallel")` vs
   `keras.layers.GRU` (the built-in, fused on JAX) at T = 512 ... 8192; the
   crossover is the first T at which the parallel scan is faster.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from seqmodels.cells import MinGRUCell  # noqa: E402
from seqmodels.layers import Recurrent, implementations, set_implementation  # noqa: E402
from seqmodels.models import EncoderDecoder, ManyToOne  # noqa: E402

BATCH, UNITS, VOCAB, FEATURES = 64, 256, 64, 32


def _compiled(model, loss):
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss, jit_compile=True)
    return model


def seq2seq(implementation, time_steps, rng):
    """`EncoderDecoder(cell="lstm")` and a batch whose source and target are `time_steps` long."""
    model = EncoderDecoder(VOCAB, VOCAB, embedding_dim=64, units=UNITS, attention="luong",
                           bidirectional_encoder=True)
    ids = rng.integers(4, VOCAB, (BATCH, time_steps)).astype("int32")
    x = {"inputs": ids, "decoder_inputs": ids}
    model(x)
    set_implementation(model, implementation)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    return _compiled(model, loss), x, ids


def many_to_one(implementation, time_steps, rng):
    model = ManyToOne(4, cell="lstm", units=UNITS, num_layers=2)
    x = {"inputs": rng.normal(size=(BATCH, time_steps, FEATURES)).astype("float32")}
    model(x)
    set_implementation(model, implementation)
    y = rng.integers(0, 4, BATCH)
    return _compiled(model, keras.losses.SparseCategoricalCrossentropy(from_logits=True)), x, y


def hand_written(time_steps, rng):
    """What a user writes by hand: two `keras.layers.LSTM` layers and a Dense head."""
    model = keras.Sequential([
        keras.Input((time_steps, FEATURES)),
        keras.layers.LSTM(UNITS, return_sequences=True),
        keras.layers.LSTM(UNITS),
        keras.layers.Dense(4),
    ])
    x = rng.normal(size=(BATCH, time_steps, FEATURES)).astype("float32")
    y = rng.integers(0, 4, BATCH)
    return _compiled(model, keras.losses.SparseCategoricalCrossentropy(from_logits=True)), x, y


def runner(model, x, y):
    model.train_on_batch(x, y)  # compile once

    def run(steps):
        for _ in range(steps):
            loss = model.train_on_batch(x, y)
        float(loss)  # wait for the device

    return run


def time_interleaved(runners, steps, rounds):
    """Median seconds per step of each runner, rounds interleaved."""
    samples = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            run(steps)
            samples[name].append((time.perf_counter() - start) / steps)
    return {name: statistics.median(s) for name, s in samples.items()}


def _steps_for(runners, seconds):
    probe = time_interleaved(runners, 1, 1)
    return max(1, int(seconds / max(probe.values())))


def bench_models(time_steps, rounds, rng):
    runners, paths = {}, {}
    for implementation in ("fused", "loop"):
        for name, make in (("seq2seq", seq2seq), ("many_to_one", many_to_one)):
            model, x, y = make(implementation, time_steps, rng)
            paths[f"{name}_{implementation}"] = sorted(
                {used for used, _ in implementations(model).values()})
            runners[f"{name}_{implementation}"] = runner(model, x, y)
    runners["hand_written_lstm"] = runner(*hand_written(time_steps, rng))
    seconds = time_interleaved(runners, _steps_for(runners, 1.0), rounds)
    row = {"T": time_steps, "B": BATCH, "H": UNITS, "paths": paths,
           **{f"{k}_ms": 1000 * v for k, v in seconds.items()}}
    for name in ("seq2seq", "many_to_one"):
        row[f"{name}_fused_vs_loop"] = seconds[f"{name}_loop"] / seconds[f"{name}_fused"]
    row["many_to_one_fused_vs_hand_written"] = (seconds["hand_written_lstm"]
                                                / seconds["many_to_one_fused"])
    return row


def bench_mingru(time_steps, rounds, rng, hidden=128):
    x = rng.normal(size=(BATCH, time_steps, FEATURES)).astype("float32")
    y = rng.normal(size=(BATCH, 1)).astype("float32")
    runners = {}
    for name, layer in (("mingru_parallel", Recurrent(MinGRUCell(hidden), scan_path="parallel")),
                        ("gru_builtin", keras.layers.GRU(hidden))):
        model = keras.Sequential([keras.Input((time_steps, FEATURES)), layer,
                                  keras.layers.Dense(1)])
        runners[name] = runner(_compiled(model, "mse"), x, y)
    seconds = time_interleaved(runners, _steps_for(runners, 0.5), rounds)
    return {"T": time_steps, "B": BATCH, "H": hidden,
            **{f"{k}_ms": 1000 * v for k, v in seconds.items()},
            "parallel_vs_gru": seconds["gru_builtin"] / seconds["mingru_parallel"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--section", choices=("models", "mingru", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="tiny grid: a smoke run")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    global BATCH, UNITS
    if args.quick:
        BATCH, UNITS = 4, 16
    import jax

    result = {"backend": keras.backend.backend(), "device": str(jax.devices()[0]),
              "jax": jax.__version__, "keras": keras.__version__, "rounds": args.rounds}
    print(json.dumps(result), flush=True)
    if args.section in ("models", "all"):
        result["models"] = []
        for t in ((10, 20) if args.quick else (50, 200, 1000)):
            result["models"].append(bench_models(t, args.rounds, rng))
            print(json.dumps(result["models"][-1]), flush=True)
    if args.section in ("mingru", "all"):
        result["mingru"] = []
        for t in ((64, 128) if args.quick else (512, 1024, 2048, 4096, 8192)):
            result["mingru"].append(bench_mingru(t, args.rounds, rng))
            print(json.dumps(result["mingru"][-1]), flush=True)
        result["crossover_parallel_vs_gru"] = next(
            (r["T"] for r in result["mingru"] if r["parallel_vs_gru"] > 1), None)
        print("crossover (parallel MinGRU beats the built-in GRU):",
              result["crossover_parallel_vs_gru"], flush=True)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
