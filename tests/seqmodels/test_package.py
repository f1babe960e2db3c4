"""The package's front: the missing-TensorFlow error, the constants, a fast CLI."""

import subprocess
import sys

from seqmodels import constants


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_without_tensorflow_names_the_extras():
    result = _run("import sys; sys.modules['tensorflow'] = None; import seqmodels")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: seqmodels needs TensorFlow")
    assert "seqmodels[cpu]" in last and "seqmodels[gpu]" in last


def test_other_keras_backend_skips_the_tensorflow_check():
    code = (
        "import os, sys; os.environ['KERAS_BACKEND'] = 'jax'; sys.modules['tensorflow'] = None; "
        "import seqmodels; print(seqmodels.constants.PAD_ID)"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_cli_help_does_not_import_tensorflow():
    code = (
        "import sys, contextlib, io\n"
        "from seqmodels import cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--help'])\n"
        "print('tensorflow' in sys.modules)"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_special_ids_are_fixed_and_distinct():
    ids = (constants.PAD_ID, constants.OOV_ID, constants.START_ID, constants.END_ID)
    assert ids == (0, 1, 2, 3)
    assert constants.SPECIAL_TOKENS[constants.PAD_ID] == constants.PAD_TOKEN == ""
    assert len(set(constants.SPECIAL_TOKENS)) == constants.NUM_SPECIAL_TOKENS == 4
