"""tf.data input pipelines: ragged / variable-length inside, dense + explicit masks out.

Stages, in the order a training pipeline applies them:

    1. source        from_sequences / from_token_lists / from_texts, or a TFDS
                     dataset (`pipelines.datasets`) mapped to `(x, y)`; a long table
                     (one row per step) grouped first by from_dataframe / read_long_csv
    2. packing       teacher_forcing() for encoder-decoders
    3. shuffle       dataset.shuffle(buffer, seed=...)
    4. batching      pad_to_batch_max / pad_to_length / bucket_by_length /
                     batch_by_token_budget -> (x with `<name>_mask`, y, sample_weight)
    5. prefetch      dataset.prefetch(tf.data.AUTOTUNE)

`pipelines.datasets` (TFDS builders) is imported on its own, as it loads TFDS.
"""

from pipelines.batching import (
    MASK_SUFFIX,
    batch_by_token_budget,
    bucket_by_length,
    dataset_lengths,
    length_boundaries,
    pad_to_batch_max,
    pad_to_length,
)
from pipelines.sources import from_sequences, from_texts, from_token_lists
from pipelines.tables import Grouped, from_dataframe, read_long_csv
from pipelines.teacher_forcing import teacher_forcing
from pipelines.validation import LengthReport
from pipelines.vocabulary import Vocabulary
from pipelines.windows import ForecastSplit, forecast_split, forecast_windows

__all__ = [
    "MASK_SUFFIX",
    "ForecastSplit",
    "Grouped",
    "LengthReport",
    "Vocabulary",
    "batch_by_token_budget",
    "bucket_by_length",
    "dataset_lengths",
    "forecast_split",
    "forecast_windows",
    "from_dataframe",
    "from_sequences",
    "from_texts",
    "from_token_lists",
    "length_boundaries",
    "pad_to_batch_max",
    "pad_to_length",
    "read_long_csv",
    "teacher_forcing",
]
