# Two commands do all set-up: `make demo` and `make test`.
# Each creates .venv when missing and (re)installs when setup.cfg or pyproject.toml change.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS ?= cpu,data,test

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" "setuptools>=68" wheel
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

demo: $(STAMP)
	$(BIN)/seqmodels demo

# The keras.ops core (cells, layers, models, decoding) runs on Keras's JAX backend too:
# its tests run again there after the TensorFlow suite (tests/seqmodels/conftest.py skips
# the TensorFlow-only ones on JAX).
# (Of the models folder only the implementation tests run there, and test_backends.py
# trains and decodes an EncoderDecoder end to end: with the encoder-decoder and one-to-many
# files too, make test took 29.5 min on 2 cores here, at the 30-minute limit.)
JAX_SUBSET := tests/seqmodels/cells tests/seqmodels/layers tests/seqmodels/decoding \
	tests/seqmodels/models/test_implementation.py tests/seqmodels/test_backends.py \
	tests/seqmodels/models/test_ensemble.py tests/seqmodels/training/test_weight_averaging.py

test: $(STAMP)
	$(BIN)/ruff check seqmodels seqmodels_cli.py pipelines tests benchmarks
	$(BIN)/python -m pytest -n 2  # two workers (pytest-xdist): the CI machine has 2 cores
	KERAS_BACKEND=jax $(BIN)/python -m pytest -n 2 $(JAX_SUBSET)

bench: $(STAMP)
	$(BIN)/python benchmarks/batching.py
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS),bench]"
	$(BIN)/python benchmarks/cells.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
