"""Files written by an earlier release load, and compute what they computed then.

`saved_files/` holds one small `.keras` file per model kind written at commit
c53a87f (`saved_files/make.py`), before the decoders became classes: a
refactoring that moves a weight to another attribute must keep these loading.
"""

import json
import pathlib
import warnings

import keras
import numpy as np
import pytest

import seqmodels  # noqa: F401  (registers the classes, as a user's plain import does)
from tests.seqmodels.models.saved_files.make import batches

FILES = pathlib.Path(__file__).parent / "saved_files"
EXPECTED = json.loads((FILES / "outputs.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_file_of_the_earlier_release_loads_and_computes_the_same(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a weight left unloaded only warns in some paths
        warnings.filterwarnings("ignore", "`head_dropout` is deprecated", DeprecationWarning)
        model = keras.saving.load_model(FILES / f"{name}.keras", safe_mode=True)
    batch = batches()[name.split("_")[0]]
    np.testing.assert_allclose(np.asarray(model(batch)), np.asarray(EXPECTED[name]), atol=1e-6)


def test_the_scheduled_sampling_probability_is_restored_with_the_weights():
    model = keras.saving.load_model(FILES / "ed_bahdanau.keras", safe_mode=True)
    assert float(model.sampling_probability.numpy()) == pytest.approx(0.3)
