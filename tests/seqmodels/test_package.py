"""The package's front: the missing-TensorFlow error, the constants, a fast CLI."""

import json
import subprocess
import sys

import numpy as np
import pytest

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
        "import seqmodels_cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    seqmodels_cli.main(['--help'])\n"
        "print('tensorflow' in sys.modules)"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_console_script_is_the_launcher():
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="seqmodels")
    assert script.value == "seqmodels_cli:main"


@pytest.mark.parametrize("model_kind", ["many_to_one", "encoder_decoder"])
def test_a_saved_model_loads_after_a_plain_import_seqmodels(tmp_path, model_kind):
    from seqmodels.models import EncoderDecoder, ManyToOne

    if model_kind == "many_to_one":
        model = ManyToOne(num_outputs=3, cell="lstm", units=4)
        batch = {"inputs": np.ones((2, 5, 3), "float32")}
    else:
        model = EncoderDecoder(source_vocabulary_size=7, target_vocabulary_size=6, units=4,
                               attention="luong")
        batch = {"inputs": np.array([[4, 5, 6]]), "decoder_inputs": np.array([[2, 4]])}
    expected = np.asarray(model(batch))
    path = tmp_path / "model.keras"
    model.save(path)
    np.save(tmp_path / "batch.npy", batch, allow_pickle=True)
    code = (
        "import json, numpy as np, keras, seqmodels\n"  # no seqmodels.models import
        f"batch = np.load({str(tmp_path / 'batch.npy')!r}, allow_pickle=True).item()\n"
        f"model = keras.saving.load_model({str(path)!r}, safe_mode=True)\n"
        "print(type(model).__name__, json.dumps(np.asarray(model(batch)).tolist()))"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr[-2000:]
    name, values = result.stdout.strip().split(" ", 1)
    assert name == type(model).__name__
    np.testing.assert_allclose(np.array(json.loads(values)), expected, atol=1e-6)


def test_special_ids_are_fixed_and_distinct():
    ids = (constants.PAD_ID, constants.OOV_ID, constants.START_ID, constants.END_ID)
    assert ids == (0, 1, 2, 3)
    assert constants.SPECIAL_TOKENS[constants.PAD_ID] == constants.PAD_TOKEN == ""
    assert len(set(constants.SPECIAL_TOKENS)) == constants.NUM_SPECIAL_TOKENS == 4
