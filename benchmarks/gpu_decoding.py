"""G2P decoding throughput and latency of our keras.ops code on Keras's JAX backend (for the GPU).

    # here: write the inputs the GPU machine needs (it has no TensorFlow)
    .venv/bin/python benchmarks/gpu_decoding.py prepare /tmp/g2p_seed0.keras gpu_inputs/
    # there (KERAS_BACKEND=jax, keras + optree + namex carried as wheels)
    python3 benchmarks/gpu_decoding.py run gpu_inputs/ --json $OUT/gpu_decoding.json
    # here: score what came back
    .venv/bin/python benchmarks/gpu_decoding.py score gpu_inputs/ gpu_decoding.json

The lent GPU machine cannot run TensorFlow (PITFALLS.md), so the SavedModel
itself is not measured there: this measures the same model, weights and
decoding loop (`EncoderDecoder.generate`, pure keras.ops) compiled by
`jax.jit`, at batch 256 (words/s; greedy and beam 4) and batch 1 (p50 / p99
latency), with every word padded to one width so each shape compiles once.
`score` computes WER / PER of the GPU outputs, which must match the CPU run.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
WIDTH = 34  # longest CMUdict test word is shorter; one padded width = one compilation


def prepare(keras_file, out_dir):
    """Copies the weights and writes the vocabularies and test words as JSON."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.g2p_data import read_split, vocabularies

    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    train, test = read_split("train"), read_split("test")
    letters, phones = vocabularies(train)
    shutil.copy(keras_file, out / "g2p.keras")
    (out / "data.json").write_text(json.dumps({
        "letters": letters.tokens, "phones": phones.tokens,
        "words": [w for w, _ in test], "references": [ps for _, ps in test]}))


def run(in_dir, calls, json_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import jax
    import keras
    import numpy as np

    sys.path.insert(0, str(ROOT))
    import seqmodels.models  # noqa: F401  (registers the classes for loading)
    from seqmodels.decoding import BeamSearch, Greedy

    data = json.loads((pathlib.Path(in_dir) / "data.json").read_text())
    index = {c: i + 4 for i, c in enumerate(data["letters"])}
    words = data["words"]
    ids = np.zeros((len(words), WIDTH), "int32")
    for row, word in enumerate(words):
        ids[row, : len(word)] = [index.get(c, 1) for c in word[:WIDTH]]
    model = keras.saving.load_model(pathlib.Path(in_dir) / "g2p.keras", compile=False)

    def compiled(strategy):
        @jax.jit
        def decode(batch):
            out = model.generate({"inputs": batch, "inputs_mask": batch != 0}, strategy,
                                 max_length=WIDTH + 8)
            return out["tokens"][:, 0]
        return decode

    rows = {"device": str(jax.devices()[0]), "backend": keras.backend.backend(),
            "jax": jax.__version__, "batch_size": 256, "padded_width": WIDTH}
    outputs = {}
    for name, strategy in (("greedy", Greedy()), ("beam4", BeamSearch(4, n_best=1))):
        decode = compiled(strategy)
        start = time.perf_counter()
        decode(ids[:256]).block_until_ready()
        rows[f"{name}_compile_s"] = time.perf_counter() - start
        tokens, start = [], time.perf_counter()
        for b in range(0, len(words), 256):
            chunk = ids[b:b + 256]
            if len(chunk) < 256:
                chunk = np.concatenate([chunk, np.zeros((256 - len(chunk), WIDTH), "int32")])
            tokens.append(np.asarray(decode(chunk)))
        seconds = time.perf_counter() - start
        rows[f"{name}_words_per_s"] = len(words) / seconds
        outputs[name] = np.concatenate(tokens)[: len(words)].tolist()
        decode(ids[:1]).block_until_ready()  # compile batch 1
        latencies = []
        for row in range(calls):
            t = time.perf_counter()
            decode(ids[row:row + 1]).block_until_ready()
            latencies.append(1000 * (time.perf_counter() - t))
        rows[f"{name}_p50_ms"] = float(np.percentile(latencies, 50))
        rows[f"{name}_p99_ms"] = float(np.percentile(latencies, 99))
    print(json.dumps(rows, indent=2))
    pathlib.Path(json_path).write_text(json.dumps({**rows, "outputs": outputs}))


def score(in_dir, json_path):
    sys.path.insert(0, str(ROOT))
    from seqmodels.metrics import error_rates

    data = json.loads((pathlib.Path(in_dir) / "data.json").read_text())
    result = json.loads(pathlib.Path(json_path).read_text())
    for name, rows in result.pop("outputs").items():
        hyps = [[data["phones"][t - 4] for t in row if t >= 4] for row in rows]
        refs = [[p.split() for p in ps] for ps in data["references"]]
        result[name] = error_rates(hyps, refs)
    print(json.dumps(result, indent=2))
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["prepare", "run", "score"])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--json", default="gpu_decoding.json")
    args = parser.parse_args(argv)
    if args.mode == "prepare":
        prepare(*args.paths)
    elif args.mode == "run":
        run(args.paths[0], args.calls, args.json)
    else:
        score(*args.paths)


if __name__ == "__main__":
    main()
