"""CMUdict grapheme-to-phoneme by the `cmudict_g2p` task's recipe: WER / PER at several beams.

    .venv/bin/python benchmarks/quality/g2p.py --seed 0 --export saved_models/g2p
    .venv/bin/python benchmarks/quality/g2p.py --limit 300 --set epochs=1 units=16   # smoke

Trains the task's estimator with its defaults (`seqmodels.runs.tasks.G2P_RECIPE`,
what `seqmodels train cmudict_g2p` trains; `--set` overrides them), then scores
the held-out test words (md5(word) % 100 >= 95, 6,252 words, stress stripped)
at each `--beams` width; a word is correct if its output matches any of its
reference pronunciations. Training uses every (word, pronunciation) pair of
the train split; the validation split is scored each epoch.

The rows of docs/benchmarks.md dated before this script called the recipe
came from its earlier version, which trained a bare `EncoderDecoder` with
`ReduceLROnPlateau` (git history: commit c53a87f).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))

from benchmarks.quality.common import save_result  # noqa: E402
from seqmodels.runs import get_task  # noqa: E402
from seqmodels.runs.demo import score_beam_widths  # noqa: E402
from seqmodels.training import TimeBudget  # noqa: E402


def _override(text):
    """`key=value`, the value read as JSON when it parses (numbers, lists), else a string."""
    key, _, value = text.partition("=")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", nargs="*", type=_override, default=[], metavar="KEY=VALUE",
                        help="hyperparameters replacing the recipe's, e.g. units=128")
    parser.add_argument("--minutes", type=float, default=None,
                        help="stop training after the epoch in which this many minutes pass")
    parser.add_argument("--beams", type=int, nargs="+", default=[1, 4, 5])
    parser.add_argument("--limit", type=int, default=None, help="words per split (smoke runs)")
    parser.add_argument("--name", default="g2p")
    parser.add_argument("--export", help="also export the SavedModel to this model directory")
    args = parser.parse_args(argv)

    task = get_task("cmudict_g2p")
    overrides = dict(args.set)
    estimator = task.make_estimator(**overrides, random_state=args.seed, verbose=2)
    start = time.perf_counter()
    X, y = task.read("train", limit=args.limit)
    estimator.fit(X, y, validation_data=task.read("validation", limit=args.limit),
                  callbacks=[TimeBudget(args.minutes)] if args.minutes else None)
    result = {"command": "benchmarks/quality/g2p.py " + " ".join(argv or sys.argv[1:]),
              "params": estimator.get_params(), "train_pairs": len(X),
              "train_seconds": time.perf_counter() - start,
              "epochs_run": len(estimator.history_["loss"]), "history": estimator.history_}
    result.update(score_beam_widths(estimator, task, "test", args.beams, limit=args.limit))
    print({k: v for k, v in result.items() if k not in ("params", "history")}, flush=True)
    print(save_result(f"{args.name}_seed{args.seed}", result))
    if args.export:
        metrics = {k: {m: v[m] for m in ("wer", "per")} for k, v in result.items()
                   if isinstance(v, dict) and "wer" in v}
        print(estimator.export(args.export, metrics=metrics,
                               data={"dataset": "cmudict_g2p", "train_pairs": len(X)}))


if __name__ == "__main__":
    main()
