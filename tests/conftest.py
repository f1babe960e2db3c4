import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """On another Keras backend (the JAX run of `make test`), skip the TensorFlow-only tests."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "tensorflow":
        return
    skip = pytest.mark.skip(reason=f"TensorFlow-only; this run is on KERAS_BACKEND={backend}")
    for item in items:
        if item.get_closest_marker("tensorflow_only"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """One TFDS data dir for the whole session: each dataset is built at most once."""
    import tensorflow_datasets as tfds

    tfds.disable_progress_bar()
    return str(tmp_path_factory.mktemp("tensorflow_datasets"))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def random_sequences(rng, n=60, features=3, low=1, high=30):
    """n float sequences `(time_i, features)` with lengths in [low, high] and their lengths."""
    lengths = rng.integers(low, high + 1, n)
    return [rng.normal(size=(t, features)).astype(np.float32) for t in lengths], lengths
