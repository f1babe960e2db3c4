"""Inputs and masks as the diagnostics read them (explicit masks, never Keras's implicit ones)."""

from __future__ import annotations

import numpy as np

from seqmodels.models.inputs import read_sequence


def as_inputs(inputs) -> dict:
    """A model's input dict; an array alone becomes `{"inputs": array}`."""
    if isinstance(inputs, dict):
        return dict(inputs)
    return {"inputs": inputs}


def sequence_mask(inputs: dict, name: str = "inputs") -> np.ndarray:
    """`(B, T)` bool, True at real steps of `inputs[name]`, by the models' own rule.

    `seqmodels.models.inputs.read_sequence`: the explicit `<name>_mask` when
    given, else `id != 0` for token ids; float inputs without a mask are all real.
    """
    x, mask = read_sequence(inputs, name)
    return np.ones(tuple(x.shape[:2]), bool) if mask is None else np.asarray(mask, bool)


def step_mask(inputs: dict, layer_path: str, shape) -> np.ndarray:
    """The mask of the sequence a recurrent layer reads: decoder layers read `decoder_inputs`."""
    name = "decoder_inputs" if layer_path.startswith("decoder") else "inputs"
    mask = sequence_mask(inputs, name)
    if mask.shape != tuple(shape):
        raise ValueError(
            f"Layer {layer_path!r} ran over shape {tuple(shape)}, but {name!r} has a mask of "
            f"shape {mask.shape}.")
    return mask


__all__ = ["as_inputs", "sequence_mask", "step_mask"]
