"""Real and synthetic sequence datasets as TFDS builders that work offline."""

from pipelines.datasets._source import SourceNotFoundError
from pipelines.datasets.cmudict_g2p import CmudictG2p
from pipelines.datasets.japanese_vowels import JapaneseVowels
from pipelines.datasets.registry import DATASETS, build, builder, load
from pipelines.datasets.sunspots import Sunspots, load_series
from pipelines.datasets.synthetic import AddingProblem, CopyTask, SyntheticConfig
from pipelines.datasets.turkish_pos import TurkishPos

__all__ = [
    "DATASETS",
    "AddingProblem",
    "CmudictG2p",
    "CopyTask",
    "JapaneseVowels",
    "SourceNotFoundError",
    "Sunspots",
    "SyntheticConfig",
    "TurkishPos",
    "build",
    "builder",
    "load",
    "load_series",
]
