"""Special token ids and strings shared by pipelines, models, decoding and export.

The ids are fixed so that a vocabulary built on any data, a model trained on
it and an exported SavedModel all agree:

| id | token   | meaning                                        |
|----|---------|------------------------------------------------|
| 0  | ""      | padding; never a real token                    |
| 1  | "[UNK]" | out of vocabulary                              |
| 2  | "<s>"   | start of sequence (first decoder input)        |
| 3  | "</s>"  | end of sequence (last decoder label)           |

Real tokens start at `NUM_SPECIAL_TOKENS`.
"""

PAD_ID = 0
OOV_ID = 1
START_ID = 2
END_ID = 3

PAD_TOKEN = ""
OOV_TOKEN = "[UNK]"
START_TOKEN = "<s>"
END_TOKEN = "</s>"

SPECIAL_TOKENS = (PAD_TOKEN, OOV_TOKEN, START_TOKEN, END_TOKEN)

#: Ids decoding never emits (seqmodels.decoding, and the diagnostics that compare with it).
NEVER_DECODED_IDS = (PAD_ID, OOV_ID, START_ID)
NUM_SPECIAL_TOKENS = len(SPECIAL_TOKENS)

#: A batch dict holds the mask of its sequence `name` under `name + MASK_SUFFIX`
#: (`inputs` -> `inputs_mask`): written by `pipelines.batching`, read by the models.
MASK_SUFFIX = "_mask"

#: Hypotheses kept per input by beam search when no width is given (decoding, exports,
#: the transducer estimator).
DEFAULT_BEAM_WIDTH = 4


def default_max_output_length(source_length):
    """The most output tokens decoded for a source of `source_length` steps: `2 * S + 10`.

    Works on Python ints and on tensors alike (a batch's longest source).
    """
    return 2 * source_length + 10


#: An estimator's export takes inputs up to this many times its longest training input
#: (`max_input_length` in the export's metadata): a served request's work stays bounded.
SERVING_INPUT_LENGTH_MARGIN = 2

#: `export_saved_model`'s `max_input_length` when none is given (symbols of a string, steps
#: of a float sequence): no export serves requests of unbounded length by default.
SERVING_MAX_INPUT_LENGTH = 1024
