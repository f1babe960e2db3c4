"""The `seqmodels` command line. Heavy imports (TensorFlow, TFDS) happen inside commands,
so `seqmodels --help` answers at once.

    seqmodels datasets list
    seqmodels datasets build NAME [--data-dir DIR] [--manual-dir DIR]
    seqmodels train TASK [--config FILE] [--epochs N] [--cell CELL] [--distribution D]
                         [--out DIR] [--seed S] [--overwrite]
    seqmodels train --task classify|regress|tag|transduce|forecast --train FILE [--valid FILE]
                    [--test FILE] [--id-column C] [--time-column C] [--label-column C]
                    [--feature-columns A,B] [options as above]
    seqmodels evaluate RUN_DIR
    seqmodels predict RUN_DIR|SAVED_MODEL [INPUT ...] [--file FILE] [--output FILE]
    seqmodels export RUN_DIR --to saved_models/NAME
    seqmodels demo [--minutes M] [--seed S] [--data-dir DIR] [--export-dir DIR]
    seqmodels demo --task vowels [--epochs N] [--seed S] [--data-dir DIR]

Every failure prints one line, `error: ...`, on stderr and exits with status 2
(a bad option, a missing or unreadable run, bad input, a NaN loss, a full disk):
never a traceback. `SEQMODELS_TRACEBACK=1` shows the traceback too.
"""

from __future__ import annotations

import argparse
import os
import sys

from seqmodels._version import __version__


def _datasets_list(args) -> int:
    from pipelines.datasets import DATASETS

    for name, builder in DATASETS.items():
        configs = [c.name for c in builder.BUILDER_CONFIGS]
        summary = (builder.__doc__ or "").strip().splitlines()[0]
        extra = f"  configs: {', '.join(configs)}" if configs else ""
        print(f"{name:16s} {summary}{extra}")
    return 0


def _datasets_build(args) -> int:
    from pipelines.datasets import SourceNotFoundError, build

    try:
        builder = build(args.name, args.data_dir, manual_dir=args.manual_dir)
    except (SourceNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    splits = ", ".join(f"{k}: {v.num_examples}" for k, v in builder.info.splits.items())
    print(f"{args.name} built in {builder.data_dir} ({splits})")
    return 0


# Copies of the task and cell registries (`runs.tasks.TASKS`, `cells.registry.CELLS`), so that
# `--help` does not import TensorFlow; tests/seqmodels/test_cli.py holds them equal.
TASK_NAMES = ("japanese_vowels", "turkish_pos", "cmudict_g2p", "adding_problem")
CELL_NAMES = ("elman", "gru", "lstm", "mingru", "minlstm")


def _read_config(path):
    """Estimator hyperparameters from a JSON or TOML file (a flat table)."""
    import json
    import pathlib
    import tomllib

    text = pathlib.Path(path).read_text(encoding="utf-8")
    config = tomllib.loads(text) if str(path).endswith(".toml") else json.loads(text)
    if not isinstance(config, dict):
        raise ValueError(f"{path} must hold a table of hyperparameters; received "
                         f"{type(config).__name__}.")
    return config


def _task(args):
    """The built-in task named, or a task of the user's files (`--task` + `--train`)."""
    from seqmodels.runs import file_task

    if args.task is not None and args.kind is not None:
        raise ValueError(f"Expected a built-in task ({args.task}) or --task with --train, not "
                         "both.")
    if args.kind is None:
        if args.task is None:
            raise ValueError(f"Expected a task: one of {', '.join(TASK_NAMES)}, or --task "
                             "KIND --train FILE for your own data (docs/cli.md).")
        if args.train or args.valid or args.test:
            raise ValueError(f"--train / --valid / --test go with --task KIND; {args.task} "
                             "reads its own dataset.")
        return args.task
    if not args.train:
        raise ValueError(f"Expected --train FILE with --task {args.kind}.")
    return file_task(args.kind, {"train": args.train, "validation": args.valid,
                                 "test": args.test}, _columns(args))


def _columns(args) -> dict:
    features = args.feature_columns
    return {"id": args.id_column, "time": args.time_column, "label": args.label_column,
            "features": None if features is None else
            [c.strip() for c in features.split(",") if c.strip()]}


def _train(args) -> int:
    from seqmodels.runs import train

    task = _task(args)  # options and files checked before any data is read
    overrides = {"verbose": 1}
    if args.config:
        overrides.update(_read_config(args.config))
    for name in ("epochs", "cell", "units", "batch_size", "window", "horizon"):
        if getattr(args, name, None) is not None:
            overrides[name] = getattr(args, name)
    distribution = _distribution(args)
    if distribution is not None:
        overrides["distribution"] = None if distribution == "none" else distribution
    run = train(task, out=args.out, overrides=overrides, data_dir=args.data_dir,
                limit=args.limit, plots=not args.no_plots, seed=args.seed,
                overwrite=args.overwrite)
    print(f"run directory: {run}")
    return 0


def _distribution(args):
    """`--distribution`, or its deprecated alias `--strategy` (with a warning)."""
    if args.strategy is None:
        return args.distribution
    print("warning: --strategy is deprecated and will be removed in the next release; use "
          f"--distribution {args.strategy}", file=sys.stderr)
    if args.distribution not in (None, args.strategy):
        raise ValueError(f"Expected one of --distribution and its deprecated alias --strategy. "
                         f"Received: --distribution {args.distribution} --strategy "
                         f"{args.strategy}.")
    return args.strategy


def _evaluate(args) -> int:
    from seqmodels.runs import evaluate

    evaluate(args.run_dir)
    return 0


def _predict(args) -> int:
    from seqmodels.runs import predict, read_keyed_inputs, write_predictions
    from seqmodels.runs.files import Columns
    from seqmodels.runs.predicting import trained_columns

    given = {k: v for k, v in _columns(args).items() if v is not None}  # flags win, then
    trained = trained_columns(args.target) or {}  # the columns the model was trained on
    chosen = {**{k: v for k, v in trained.items() if v is not None}, **given}
    features = chosen.pop("features", None)
    columns = Columns(**chosen, features=None if features is None else tuple(features))
    inputs, ids = read_keyed_inputs(args.inputs, args.file, columns)
    write_predictions(ids, predict(args.target, inputs), args.output, args.format)
    return 0


def _export(args) -> int:
    from seqmodels.runs import export

    export(args.run_dir, args.to)
    return 0


def _demo(args) -> int:
    from seqmodels.runs import demo

    if args.task == "vowels":
        return demo.main_vowels(epochs=args.epochs, seed=args.seed, data_dir=args.data_dir)
    return demo.main(minutes=args.minutes, seed=args.seed, data_dir=args.data_dir,
                     export_dir=args.export_dir)


def _positive_int(text: str) -> int:
    """argparse type: an integer >= 1 (refused before anything is read or written)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, received {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, received {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, received {text!r}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2**32), received {value}")
    return value


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seqmodels", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"seqmodels {__version__}")
    parser.add_argument("--verbose", action="store_true",
                        help="show TensorFlow's and TFDS's start-up and log messages")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)  # --verbose after the command, too
    common.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show TensorFlow's and TFDS's start-up and log messages")

    datasets = commands.add_parser("datasets", parents=[common],
                                   help="list or build the offline datasets")
    datasets_commands = datasets.add_subparsers(dest="datasets_command", required=True)
    datasets_commands.add_parser("list", parents=[common],
                                 help="names, summaries and configs").set_defaults(
        func=_datasets_list
    )
    build = datasets_commands.add_parser("build", parents=[common],
                                         help="build one dataset offline")
    build.add_argument("name", help='e.g. "japanese_vowels" or "adding_problem/T200"')
    build.add_argument("--data-dir", default=None, help="TFDS data dir (default: TFDS's)")
    build.add_argument("--manual-dir", default=None, help="folder holding the source files")
    build.set_defaults(func=_datasets_build)

    train = commands.add_parser(
        "train", parents=[common], help="train a task's model into a run directory",
        description="Train a built-in task (TASK) or a model of your own files (--task KIND "
                    "--train FILE) into a run directory. File formats (docs/cli.md): a long "
                    ".csv (one row per step: id, time, features, label), a .tsv of "
                    "source<TAB>target pairs (transduce), .jsonl (one example per line), "
                    ".npz (inputs, lengths, labels).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    train.add_argument("task", nargs="?", choices=TASK_NAMES, help="a built-in task")
    files = train.add_argument_group("your own files")
    files.add_argument("--task", dest="kind", choices=["classify", "regress", "tag",
                                                        "transduce", "forecast"],
                       help="what to learn from --train: a label per sequence (classify, "
                            "regress), a label per step (tag), an output sequence "
                            "(transduce), the next steps of a series (forecast)")
    files.add_argument("--window", type=_positive_int,
                       help="forecast: steps read per forecast (SequenceForecaster's 24)")
    files.add_argument("--horizon", type=_positive_int,
                       help="forecast: steps forecast (SequenceForecaster's 1)")
    files.add_argument("--train", help="training file (.csv, .tsv, .jsonl, .npz)")
    files.add_argument("--valid", help="validation file (default: 10%% of --train held out)")
    files.add_argument("--test", help="test file, scored after training")
    _column_options(files)
    train.add_argument("--config", help="JSON or TOML file of estimator hyperparameters")
    train.add_argument("--epochs", type=_positive_int,
                       help="epochs in all; more than a finished run's trains it on")
    train.add_argument("--cell", choices=CELL_NAMES, help="recurrent cell (task default if "
                                                          "not given)")
    train.add_argument("--units", type=_positive_int, help="hidden units per direction")
    train.add_argument("--batch-size", type=_positive_int, help="sequences per batch")
    distributions = ["none", "mirrored", "multi-worker"]
    train.add_argument("--distribution", choices=distributions,
                       help="tf.distribute: mirrored (this machine's devices) or multi-worker "
                            "(the cluster of TF_CONFIG: run the same command on every worker, "
                            "with the same --out); see docs/distributed.md")
    train.add_argument("--strategy", choices=distributions,
                       help="deprecated alias of --distribution")
    train.add_argument("--out", help="run directory (default runs/TASK-TIME); the same "
                                     "directory and options again resume an interrupted run "
                                     "and leave a finished one as it is")
    train.add_argument("--seed", type=_seed, help="random_state of the run (default: the one "
                                                  "recorded in --out, else a new one)")
    train.add_argument("--overwrite", action="store_true",
                       help="delete the run in --out and start afresh")
    train.add_argument("--data-dir", default=None,
                       help="TFDS data dir of the built-in datasets ($SEQMODELS_DATA_DIR, else "
                            "TFDS's)")
    train.add_argument("--limit", type=_positive_int, help="at most this many examples per split")
    train.add_argument("--no-plots", action="store_true",
                       help="skip the PNG plots (curves, gradients, trajectories, attention)")
    train.set_defaults(func=_train)

    evaluate = commands.add_parser("evaluate", parents=[common],
                                   help="test metrics of a run directory")
    evaluate.add_argument("run_dir", help="a run directory written by `seqmodels train`")
    evaluate.set_defaults(func=_evaluate)

    predict = commands.add_parser(
        "predict", parents=[common],
        help="predictions of a run directory or an exported SavedModel")
    predict.add_argument("target", help="a run directory, a SavedModel folder, or a folder "
                                        "of versions (the highest is used)")
    predict.add_argument("inputs", nargs="*", help="strings (words, sentences)")
    predict.add_argument("--file", help="a text file (one input per line), an .npz with "
                                        "`inputs` (n, time[, features]) and `lengths` (n,), a "
                                        "long .csv, a .jsonl or a .tsv (as for train)")
    predict.add_argument("--output", help="write id,prediction to this file (.csv, .jsonl or "
                                          "else TSV) instead of standard output")
    predict.add_argument("--format", choices=["tsv", "csv", "jsonl"],
                         help="output format (default: from --output's extension, else tsv)")
    _column_options(predict)
    predict.set_defaults(func=_predict)

    export = commands.add_parser("export", parents=[common],
                                 help="a run's model as a versioned SavedModel")
    export.add_argument("run_dir", help="a run directory written by `seqmodels train`")
    export.add_argument("--to", required=True, help="e.g. saved_models/vowels")
    export.set_defaults(func=_export)

    demo = commands.add_parser(
        "demo", parents=[common],
        help="the main job: CMUdict G2P trained, scored, exported and served")
    demo.add_argument("--task", choices=["g2p", "vowels"], default="g2p",
                      help="g2p (the main job) or vowels (the japanese_vowels task's classifier)")
    demo.add_argument("--minutes", type=float, default=None,
                      help="g2p: stop training after the epoch in which this many minutes "
                           "have passed (default 10)")
    demo.add_argument("--export-dir", default="saved_models/g2p", help="g2p export target")
    demo.add_argument("--epochs", type=_positive_int, default=None,
                      help="vowels epochs (default: the japanese_vowels task's)")
    demo.add_argument("--seed", type=int, default=0, help="random seed of the demo run")
    demo.add_argument("--data-dir", default=None, help="TFDS data dir of the datasets")
    demo.set_defaults(func=_demo)
    return parser


def _quiet_tensorflow() -> None:
    """TensorFlow's start-up banners and TF / TFDS log lines, hidden unless --verbose.

    TensorFlow 2.21 writes its oneDNN and absl banners to file descriptor 2
    while it is imported, whatever `TF_CPP_MIN_LOG_LEVEL` says: it is
    imported here with that descriptor pointed at /dev/null (an import error
    is still raised, and shown, as usual).
    """
    import logging

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 2)
                try:
                    import tensorflow  # noqa: F401
                except ImportError:
                    pass  # raised again, with the message shown, where it is needed
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    for name in ("tensorflow", "absl", "tensorflow_datasets"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _column_options(parser) -> None:
    """Long-CSV columns. Unset: train uses id / time / label / all other columns; predict
    uses the columns the run or export was trained on."""
    parser.add_argument("--id-column", help="long .csv: the sequence id column (default: id)")
    parser.add_argument("--time-column", help="long .csv: the column ordering steps, used "
                                              "when present (default: time)")
    parser.add_argument("--label-column", help="long .csv: the target column (default: label)")
    parser.add_argument("--feature-columns",
                        help="long .csv: comma-separated feature columns (default: all others "
                             "for train; for predict, those the model was trained on)")


def one_line(error: BaseException) -> str:
    """What failed, on one line: a TensorFlow error's own message without its graph trace."""
    message = getattr(error, "message", None) or str(error)  # tf.errors.OpError has .message
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    text = lines[0] if lines else "no message"
    if isinstance(error, ValueError | FileNotFoundError):
        return text
    return f"{type(error).__name__}: {text}"


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    if not getattr(args, "verbose", False):
        _quiet_tensorflow()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("error: interrupted (an interrupted `train` resumes when run again)",
              file=sys.stderr)
        return 130
    except Exception as error:  # every failure is one line, never a traceback
        if os.environ.get("SEQMODELS_TRACEBACK") == "1":
            import traceback

            traceback.print_exc()
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
