"""Limitation 2, long-term dependencies: the longest sequence each cell learns within a budget.

    .venv/bin/python benchmarks/limitations/long_term.py [--task adding|copy] [--steps N]

Adding problem (`ManyToOne`, last state; "+attention": attention pooling
over every state instead): solved when the test MSE < 0.01, against the
0.167 of always predicting the mean. Copy task (`AlignedManyToMany` over
token ids, K = 10 symbols of an alphabet of 8 to recall after T - 1
blanks): solved when the per-symbol accuracy on the K recalled steps > 99%
(memoryless: 12.5%). Each (cell, T) trains `--steps` Adam steps (lr 2e-3,
clipnorm 1, batch 32) on fresh examples; one seed. T in {50, 100, 200, 500,
1000}; a cell stops at the first T it fails (longer ones are not tried)
unless `--all-lengths`. `--merge` keeps the cells of an earlier result file
and replaces those run now.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.limitations.common import CELLS, adding_data, adding_model, image, save  # noqa: E402
from pipelines.datasets.synthetic import copy_task  # noqa: E402
from seqmodels.models import AlignedManyToMany  # noqa: E402

LENGTHS = [50, 100, 200, 500, 1000]
SYMBOLS, ALPHABET = 10, 8


def adding_run(name, length, steps, seed):
    options = {"pooling": "attention"} if name.endswith("+attention") else {}
    keras.utils.set_random_seed(seed)
    model = adding_model(name.removesuffix("+attention"), units=64, **options)
    model.compile(keras.optimizers.Adam(2e-3, clipnorm=1.0), "mse")
    x, y = adding_data(32 * steps, length, seed)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    x_test, y_test = adding_data(500, length, seed + 1)
    mse = float(model.evaluate(x_test, y_test, batch_size=250, verbose=0))
    return {"test_mse": mse, "solved": mse < 0.01}


def copy_run(name, length, steps, seed):
    keras.utils.set_random_seed(seed)
    model = AlignedManyToMany(ALPHABET + 3, vocabulary_size=ALPHABET + 3, embedding_dim=16,
                              units=64, bidirectional=False, **CELLS[name])
    model.compile(keras.optimizers.Adam(2e-3, clipnorm=1.0),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = copy_task(32 * steps, length, seed, num_symbols=SYMBOLS, alphabet=ALPHABET)
    model.fit({"inputs": x}, y, batch_size=32, epochs=1, verbose=0)
    x_test, y_test = copy_task(500, length, seed + 1, num_symbols=SYMBOLS, alphabet=ALPHABET)
    logits = model.predict({"inputs": x_test}, batch_size=250, verbose=0)
    recalled = np.argmax(logits[:, -SYMBOLS:], -1) == y_test[:, -SYMBOLS:]
    accuracy = float(recalled.mean())
    return {"recall_accuracy": accuracy, "solved": accuracy > 0.99}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["adding", "copy"], default="adding")
    parser.add_argument("--cells", nargs="+", default=None)
    parser.add_argument("--lengths", type=int, nargs="+", default=LENGTHS)
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--all-lengths", action="store_true")
    parser.add_argument("--merge", action="store_true")
    args = parser.parse_args(argv)
    cells = args.cells or (list(CELLS) + (["gru+attention"] if args.task == "adding" else []))
    run = adding_run if args.task == "adding" else copy_run
    results = _earlier(args.task) if args.merge else {}
    for name in cells:
        results[name] = {}
        for length in args.lengths:
            start = time.perf_counter()
            result = run(name, length, args.steps, args.seed)
            result["seconds"] = time.perf_counter() - start
            results[name][length] = result
            print(name, length, result, flush=True)
            if not result["solved"] and not args.all_lengths:
                break
    longest = {n: max([t for t, r in rs.items() if r["solved"]], default=None)
               for n, rs in results.items()}
    print(longest)
    _plot(results, args.task, image(f"long_term_{args.task}"))
    print(save(f"long_term_{args.task}", {"command": "benchmarks/limitations/long_term.py",
                                          "args": vars(args), "results": results,
                                          "longest_solved": longest}))


def _earlier(task):
    import json

    from benchmarks.limitations.common import RESULTS

    path = RESULTS / f"long_term_{task}.json"
    if not path.is_file():
        return {}
    earlier = json.loads(path.read_text())["results"]
    return {name: {int(t): r for t, r in rows.items()} for name, rows in earlier.items()}


def _plot(results, task, path):
    from seqmodels.diagnostics.plots import pyplot, save_figure

    plt = pyplot()
    key = "test_mse" if task == "adding" else "recall_accuracy"
    fig, ax = plt.subplots(figsize=(6.0, 3.8))
    for name, rows in results.items():
        lengths = sorted(rows)
        ax.plot(lengths, [rows[t][key] for t in lengths], marker="o", label=name)
    if task == "adding":
        ax.set_yscale("log")
        ax.axhline(0.01, color="g", ls=":", label="solved (< 0.01)")
        ax.axhline(1 / 6, color="0.5", ls=":", label="predict the mean")
    else:
        ax.axhline(0.99, color="g", ls=":", label="solved (> 0.99)")
        ax.axhline(1 / ALPHABET, color="0.5", ls=":", label="memoryless")
    ax.set_xscale("log")
    ax.set_xlabel("T")
    ax.set_ylabel(key.replace("_", " "))
    ax.set_title(f"{task}: one budget of Adam steps per (cell, T); NaN not drawn")
    ax.legend(fontsize=7)
    save_figure(fig, path)


if __name__ == "__main__":
    main()
