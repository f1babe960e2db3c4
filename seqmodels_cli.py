"""Entry point of the `seqmodels` command.

It lives outside the `seqmodels` package so that importing it first tells
`seqmodels/__init__.py` not to load Keras and TensorFlow up front (the
commands import what they need): `seqmodels --help` answers at once.
"""

import sys

sys.modules.setdefault("seqmodels_cli", sys.modules[__name__])  # also under `python -m`


def main(argv=None) -> int:
    from seqmodels.cli import main as run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
