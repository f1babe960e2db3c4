"""Keras models, one per shape of input and output sequences.

    ManyToOne           sequence -> label / value        (classification, regression)
    AlignedManyToMany   sequence -> one output per step   (tagging, per-step regression)
    OneToMany           vector -> sequence                (generation, teacher forcing)
    EncoderDecoder      sequence -> sequence              (seq2seq with attention)

    EncoderDecoderEnsemble  several EncoderDecoders decoded as one (mean log-probabilities)
"""

from seqmodels.models.aligned import AlignedManyToMany
from seqmodels.models.attention import BahdanauAttention, LuongAttention
from seqmodels.models.decoders import (
    BahdanauDecoder,
    DecoderStack,
    LuongDecoder,
    PlainDecoder,
)
from seqmodels.models.encoder import RecurrentEncoder
from seqmodels.models.encoder_decoder import EncoderDecoder
from seqmodels.models.ensemble import EncoderDecoderEnsemble
from seqmodels.models.inputs import TokenEmbedding
from seqmodels.models.many_to_one import ManyToOne
from seqmodels.models.one_to_many import OneToMany
from seqmodels.models.pooling import SequencePooling

__all__ = [
    "AlignedManyToMany",
    "BahdanauAttention",
    "BahdanauDecoder",
    "DecoderStack",
    "EncoderDecoder",
    "EncoderDecoderEnsemble",
    "LuongAttention",
    "LuongDecoder",
    "ManyToOne",
    "OneToMany",
    "PlainDecoder",
    "RecurrentEncoder",
    "SequencePooling",
    "TokenEmbedding",
]
