"""Teacher forcing's exposure bias on a trained G2P model: the same labels, true vs own history.

    .venv/bin/python benchmarks/limitations/exposure_bias.py --g2p-model FILE.keras

`seqmodels.diagnostics.exposure_bias` on every test word (first
pronunciation): per-token accuracy when the decoder reads the true previous
phonemes (teacher forcing, as in training and in Keras's validation
metrics) and when it reads its own (greedy decoding, as in use). The
scheduled-sampling comparison at a smaller budget is
`benchmarks/quality/scheduled_sampling.py`, which reports the same figures.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402

from benchmarks.g2p_data import read_split, vocabularies  # noqa: E402
from benchmarks.limitations.common import save  # noqa: E402
from benchmarks.quality.scheduled_sampling import measure_exposure_bias  # noqa: E402
from pipelines import from_token_lists, pad_to_batch_max, teacher_forcing  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--g2p-model", required=True)
    args = parser.parse_args(argv)
    letters, phones = vocabularies(read_split("train"))
    model = keras.saving.load_model(args.g2p_model, safe_mode=True)
    test = read_split("test")
    batches = from_token_lists(
        letters.encode_python([w for w, _ in test]),
        phones.encode_python([prons[0] for _, prons in test]), task="seq2seq",
    ).apply(teacher_forcing()).apply(pad_to_batch_max(500))
    result = measure_exposure_bias(model, batches)
    print(result)
    print(save("exposure_bias", {"command": "benchmarks/limitations/exposure_bias.py",
                                 "args": vars(args), "words": len(test), **result}))


if __name__ == "__main__":
    main()
