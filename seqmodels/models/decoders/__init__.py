"""Decoders of `EncoderDecoder` (and `OneToMany`), one per file, and their bridges.

    PlainDecoder       no attention: the source reaches it through its initial states
    LuongDecoder       recurrence, then multiplicative attention over all steps at once
    BahdanauDecoder    additive attention inside the recurrence, input feeding,
                       scheduled sampling
    (AttentionalDecoder: the attention decoders' shared base; DecoderStack: deprecated)

Every decoder keeps the contract written in `plain.py`: `initial_state`, a
full-sequence `call` and a one-step `step`, held equal by the tests. A new
attention variant is a new decoder file here (its score layer beside the
others in `seqmodels/models/attention.py`) and one entry in `DECODERS`.
"""

from seqmodels.models.config import constructor_arguments
from seqmodels.models.decoders.attentional import AttentionalDecoder
from seqmodels.models.decoders.bahdanau import BahdanauDecoder
from seqmodels.models.decoders.bridges import BRIDGES, DenseBridge, VectorBridge, ZerosBridge
from seqmodels.models.decoders.luong import LuongDecoder
from seqmodels.models.decoders.plain import PlainDecoder
from seqmodels.models.decoders.stack import DecoderStack

DECODERS = {"luong": LuongDecoder, "bahdanau": BahdanauDecoder, None: PlainDecoder}
"""`EncoderDecoder(attention=...)` -> the decoder class."""


def make_decoder(attention, *, attention_units=None, scheduled_sampling=False, **options):
    """The decoder for `attention` (a key of `DECODERS`), with `options` (cell, units, ...).

    `attention_units` and `scheduled_sampling` go to the decoders whose constructor
    takes them (Bahdanau's: its additive score, and the loop through time that
    scheduled sampling needs); the others ignore `attention_units` and refuse
    `scheduled_sampling=True`.
    """
    cls = DECODERS[attention]
    takes = constructor_arguments(cls)
    if scheduled_sampling and "scheduled_sampling" not in takes:
        raise ValueError(
            "scheduled_sampling needs the in-loop decoder: set attention='bahdanau'. "
            f"Received: attention={attention!r}.")
    extra = {"attention_units": attention_units, "scheduled_sampling": scheduled_sampling}
    return cls(**options, **{name: value for name, value in extra.items() if name in takes})


__all__ = [
    "AttentionalDecoder",
    "BRIDGES",
    "BahdanauDecoder",
    "DECODERS",
    "DecoderStack",
    "DenseBridge",
    "LuongDecoder",
    "PlainDecoder",
    "VectorBridge",
    "ZerosBridge",
    "make_decoder",
]
