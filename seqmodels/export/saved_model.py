"""`export_saved_model`: one call from a trained model to `saved_models/<name>/<version>/`."""

from __future__ import annotations

import datetime
import inspect
import os
import pathlib
import platform

import keras
import tensorflow as tf

from seqmodels._version import __version__
from seqmodels.constants import SERVING_MAX_INPUT_LENGTH
from seqmodels.export.seq2seq import Seq2SeqEndpoints
from seqmodels.export.sequences import SequenceEndpoints
from seqmodels.export.versioned import write_version
from seqmodels.models import (
    AlignedManyToMany,
    EncoderDecoder,
    EncoderDecoderEnsemble,
    ManyToOne,
)


def _options_of(endpoints_class):
    """`(allowed, required)` option names: the endpoint builder's own keyword arguments
    (typed and documented there), the required ones without a default."""
    parameters = list(inspect.signature(endpoints_class).parameters.values())[1:]  # no model
    allowed = tuple(p.name for p in parameters)
    required = tuple(p.name for p in parameters if p.default is inspect.Parameter.empty)
    return allowed, required


def _check_options(model, options, endpoints_class):
    allowed, required = _options_of(endpoints_class)
    unknown, missing = set(options) - set(allowed), set(required) - set(options)
    if unknown or missing:
        needs = f"needs {sorted(required)} and " if required else ""
        raise ValueError(
            f"A {type(model).__name__} export {needs}takes {sorted(allowed)}. "
            f"Received unknown options: {sorted(unknown)}; missing: {sorted(missing)}.")


def _endpoints(model, options):
    """The endpoint builder for `model`'s kind, with only the options that kind takes."""
    options = {"max_input_length": SERVING_MAX_INPUT_LENGTH, **options}
    if isinstance(model, (EncoderDecoder, EncoderDecoderEnsemble)):
        _check_options(model, options, Seq2SeqEndpoints)
        options = dict(options)
        return Seq2SeqEndpoints(model, options.pop("source_vocabulary"),
                                options.pop("target_vocabulary"), **options)
    if isinstance(model, (ManyToOne, AlignedManyToMany)):
        _check_options(model, options, SequenceEndpoints)
        return SequenceEndpoints(model, **options)
    raise TypeError(
        "Expected a built seqmodels EncoderDecoder, EncoderDecoderEnsemble, ManyToOne or "
        "AlignedManyToMany. "
        f"Received: {type(model).__name__}.")


def _vocabulary_entry(vocabulary):
    return None if vocabulary is None else {"level": vocabulary.level,
                                            "tokens": list(vocabulary.tokens)}


def _metadata(model, endpoints, functions, options, data, metrics):
    return {
        "format": "seqmodels-saved-model/1",
        "model_class": type(model).__name__,
        "model_config": model.get_config(),
        "signatures": sorted(functions),
        "serving": endpoints.config(),
        "vocabularies": {
            name: _vocabulary_entry(options.get(name))
            for name in ("source_vocabulary", "target_vocabulary", "vocabulary")
            if options.get(name) is not None
        },
        "data": data or {},
        "metrics": metrics or {},
        "versions": {"seqmodels": __version__, "tensorflow": tf.__version__,
                     "keras": keras.__version__, "python": platform.python_version()},
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def export_saved_model(
    model,
    directory: str | os.PathLike,
    *,
    version: int | None = None,
    data: dict | None = None,
    metrics: dict | None = None,
    **options,
) -> pathlib.Path:
    """Writes `model` with its serving signatures to `directory/<version>/`, atomically.

    Args:
        model: a built `EncoderDecoder` (or `EncoderDecoderEnsemble`), `ManyToOne` or
            `AlignedManyToMany`.
        directory: the model's folder, e.g. `"saved_models/g2p"`.
        version: int or None (the next integer after the highest one present).
        data: description of the training data, stored in the metadata.
        metrics: measured metrics, stored in the metadata.
        **options: the keyword arguments of the model kind's endpoint builder,
            typed and documented there. For an `EncoderDecoder`
            (`seqmodels.export.seq2seq.Seq2SeqEndpoints`): `source_vocabulary`,
            `target_vocabulary` (required), `beam_width` (4), `alpha` (0.0),
            `n_best` (4), `max_input_length`, `overlong` ("truncate" or
            "error"), `max_output_length`, `chunk_size` (64 rows decoded together,
            sorted by length), `jit_compile` (False; XLA per chunk).
            For the others (`seqmodels.export.sequences.SequenceEndpoints`):
            `class_names`, `vocabulary`, `input_scaling`, `output_scaling`,
            `last_steps`, `max_input_length`, `overlong`. `max_input_length` defaults to
            `SERVING_MAX_INPUT_LENGTH` (1024 symbols or steps) so a request's
            work is bounded; `None` lifts the bound. The output length of an
            `EncoderDecoder` is `2 * S + 10` for a source of `S` symbols, at
            most `max_output_length`.

    Returns:
        `pathlib.Path` of the published version directory, holding the
        SavedModel and `seqmodels.json` (config, vocabularies, data, metrics,
        serving policy, package versions).
    """
    endpoints = _endpoints(model, options)
    if not model.built:
        raise ValueError(f"Build the {type(model).__name__} (call it once, fit it, or load it) "
                         "before exporting: its weights do not exist yet.")
    functions = endpoints.functions()

    def write(path):
        archive = keras.export.ExportArchive()
        archive.track(model)
        for name in ("source_vocabulary", "target_vocabulary", "vocabulary"):
            vocabulary = options.get(name)
            if vocabulary is not None:
                if not vocabulary.built:  # a Vocabulary has tables but no weights to build
                    vocabulary.build(None)
                archive.track(vocabulary)
        for name, fn in functions.items():
            archive.add_endpoint(name, fn)
        archive.write_out(os.fspath(path), verbose=False)

    metadata = _metadata(model, endpoints, functions, options, data, metrics)
    return write_version(directory, write, metadata, version=version)


__all__ = ["export_saved_model"]
