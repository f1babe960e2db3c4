"""The `seqmodels` command line. Heavy imports (TensorFlow, TFDS) happen inside commands,
so `seqmodels --help` answers at once.

    seqmodels datasets list
    seqmodels datasets build NAME [--data-dir DIR] [--manual-dir DIR]
    seqmodels demo [--minutes M] [--seed S] [--data-dir DIR] [--export-dir DIR]
    seqmodels demo --task vowels [--epochs N] [--seed S] [--data-dir DIR]
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
    import tensorflow_datasets as tfds

    from pipelines.datasets import SourceNotFoundError, build

    tfds.disable_progress_bar()
    try:
        builder = build(args.name, args.data_dir, manual_dir=args.manual_dir)
    except (SourceNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    splits = ", ".join(f"{k}: {v.num_examples}" for k, v in builder.info.splits.items())
    print(f"{args.name} built in {builder.data_dir} ({splits})")
    return 0


def _demo(args) -> int:
    if args.task == "vowels":
        from seqmodels import demo

        return demo.main(epochs=args.epochs, seed=args.seed, data_dir=args.data_dir)
    from seqmodels import g2p

    return g2p.main(minutes=args.minutes, seed=args.seed, data_dir=args.data_dir,
                    export_dir=args.export_dir)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seqmodels", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"seqmodels {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    datasets = commands.add_parser("datasets", help="list or build the offline datasets")
    datasets_commands = datasets.add_subparsers(dest="datasets_command", required=True)
    datasets_commands.add_parser("list", help="names, summaries and configs").set_defaults(
        func=_datasets_list
    )
    build = datasets_commands.add_parser("build", help="build one dataset offline")
    build.add_argument("name", help='e.g. "japanese_vowels" or "adding_problem/T200"')
    build.add_argument("--data-dir", default=None, help="TFDS data dir (default: TFDS's)")
    build.add_argument("--manual-dir", default=None, help="folder holding the source files")
    build.set_defaults(func=_datasets_build)

    demo = commands.add_parser(
        "demo", help="the main job: CMUdict G2P trained, scored, exported and served")
    demo.add_argument("--task", choices=["g2p", "vowels"], default="g2p",
                      help="g2p (the main job) or vowels (a small JapaneseVowels classifier)")
    demo.add_argument("--minutes", type=float, default=6.0, help="g2p training budget")
    demo.add_argument("--export-dir", default="saved_models/g2p", help="g2p export target")
    demo.add_argument("--epochs", type=int, default=60, help="vowels epochs")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--data-dir", default=None)
    demo.set_defaults(func=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is first imported
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
