"""CMUdict grapheme-to-phoneme with an attention encoder-decoder: WER / PER, greedy vs beam.

    .venv/bin/python benchmarks/quality/g2p.py --minutes 45 --seed 0 --export saved_models/g2p
    .venv/bin/python benchmarks/quality/g2p.py --load /tmp/g2p_seed0.keras --export saved_models/g2p

Split: the `cmudict_g2p` dataset's held-out test words (md5(word) % 100 >= 95,
6,252 words, stress stripped); a word is correct if its output matches any
of its reference pronunciations. Training uses every (word, pronunciation)
pair of the train split, by `fit()` with teacher forcing packed in the
pipeline; the validation split picks the learning-rate drops.
"""

from __future__ import annotations

import argparse
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.quality.common import save_result, seed_everything  # noqa: E402
from seqmodels.decoding import BeamSearch, Greedy  # noqa: E402
from seqmodels.export import export_saved_model  # noqa: E402
from seqmodels.g2p import evaluate, make_dataset, read_split, vocabularies  # noqa: E402
from seqmodels.losses import SequenceLoss  # noqa: E402
from seqmodels.models import EncoderDecoder  # noqa: E402
from seqmodels.training import AverageLastEpochs, EpochMetric, TimeBudget  # noqa: E402


def build_model(letters, phones, args):
    return EncoderDecoder(
        letters.size, phones.size, embedding_dim=args.embedding_dim, cell=args.cell,
        units=args.units, encoder_units=args.encoder_units, bidirectional_encoder=True,
        encoder_layers=args.encoder_layers, attention=args.attention, dropout=args.dropout,
        output_dropout=args.dropout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=45.0, help="training wall-clock budget")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cell", default="lstm")
    parser.add_argument("--attention", default="luong")
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--encoder-units", type=int, default=256)
    parser.add_argument("--encoder-layers", type=int, default=1)
    parser.add_argument("--embedding-dim", type=int, default=128)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--patience", type=int, default=2, help="epochs before halving the LR")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--average", type=int, default=None,
                        help="end on the mean weights of the last N epochs (AverageLastEpochs)")
    parser.add_argument("--wer-patience", type=int, default=None,
                        help="log val_wer (greedy, validation split) each epoch; stop after this "
                             "many epochs without progress and keep the best epoch's weights")
    parser.add_argument("--ema", type=float, default=None,
                        help="Keras's weight EMA (optimizer use_ema) with this momentum")
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="words per split (smoke runs)")
    parser.add_argument("--name", default="g2p")
    parser.add_argument("--load", help="a .keras file of an earlier run: skip training")
    parser.add_argument("--export", help="also export the SavedModel to this model directory")
    parser.add_argument("--chunk-size", type=int, default=64, help="export: rows decoded together")
    parser.add_argument("--jit-compile", action=argparse.BooleanOptionalAction, default=True,
                        help="export: decode each chunk with XLA")
    args = parser.parse_args(argv)

    seed_everything(args.seed)
    start = time.perf_counter()
    train, valid, test = (read_split(s, limit=args.limit) for s in ("train", "validation", "test"))
    letters, phones = vocabularies(train)
    if args.load:
        model = keras.saving.load_model(args.load, safe_mode=True)
        result = {"command": "benchmarks/quality/g2p.py " + " ".join(argv or sys.argv[1:]),
                  "loaded": args.load, "test_words": len(test)}
    else:
        model, result = train_model(args, argv, train, valid, test, letters, phones, start)
    for label, strategy in (("greedy", Greedy()), (f"beam{args.beam}", BeamSearch(args.beam))):
        result[label] = evaluate(model, test, letters, phones, strategy)
        print(label, result[label], flush=True)
    if not args.load:
        model.save(f"/tmp/{args.name}_seed{args.seed}.keras")
        print(save_result(f"{args.name}_seed{args.seed}", result))
    if args.export:
        print(export(model, letters, phones, result, args.export, chunk_size=args.chunk_size,
                     jit_compile=args.jit_compile))


def export(model, letters, phones, result, directory, **options):
    """The serving SavedModel (beam 4), with the measured figures in its metadata."""
    metrics = {k: {m: v[m] for m in ("wer", "per")} for k, v in result.items()
               if isinstance(v, dict) and "wer" in v}
    data = {"dataset": "cmudict_g2p (CMUdict 1.1.3 package data, stress removed)",
            "split": "md5(word) % 100 < 90 train, 90-94 validation, >= 95 test",
            "test_words": result["test_words"]}
    return export_saved_model(model, directory, source_vocabulary=letters,
                              target_vocabulary=phones, beam_width=4, max_input_length=48,
                              data=data, metrics=metrics, **options)


def wer_stopping(args, valid, letters, phones):
    """Early stopping on the validation WER of greedy decoding (the test split is not read)."""
    if args.wer_patience is None:
        return []
    if args.average:
        sys.exit("--wer-patience keeps the best epoch's weights and --average the mean of the "
                 "last epochs: choose one.")
    return [EpochMetric("val_wer", lambda m: evaluate(m, valid, letters, phones, Greedy())["wer"]),
            keras.callbacks.EarlyStopping("val_wer", mode="min", patience=args.wer_patience,
                                          restore_best_weights=True)]


def train_model(args, argv, train, valid, test, letters, phones, start):
    model = build_model(letters, phones, args)
    ema = {} if args.ema is None else {"use_ema": True, "ema_momentum": args.ema}
    model.compile(
        optimizer=keras.optimizers.Adam(args.learning_rate, clipnorm=5.0, **ema),
        loss=(SequenceLoss(ignore_class=0, label_smoothing=args.label_smoothing)
              if args.label_smoothing else  # the recorded runs' loss, kept for comparison
              keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)),
        weighted_metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
    )
    history = model.fit(
        make_dataset(train, letters, phones, args.batch_size, shuffle_seed=args.seed),
        validation_data=make_dataset(valid, letters, phones, 512),
        epochs=args.epochs, verbose=2,
        callbacks=[TimeBudget(args.minutes),
                   keras.callbacks.ReduceLROnPlateau("val_loss", factor=0.5,
                                                     patience=args.patience, min_lr=5e-5),
                   *([AverageLastEpochs(args.average)] if args.average else []),
                   *wer_stopping(args, valid, letters, phones)],
    )
    train_seconds = time.perf_counter() - start
    return model, {"command": "benchmarks/quality/g2p.py " + " ".join(argv or sys.argv[1:]),
                   "args": vars(args), "epochs_run": len(history.history["loss"]),
                   "train_seconds": train_seconds,
                   "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
                   "train_pairs": sum(len(p) for _, p in train), "test_words": len(test)}


if __name__ == "__main__":
    main()
