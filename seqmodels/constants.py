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

#: An estimator's export takes inputs up to this many times its longest training input
#: (`max_input_length` in the export's metadata): a served request's work stays bounded.
SERVING_INPUT_LENGTH_MARGIN = 2

#: `export_saved_model`'s `max_input_length` when none is given (symbols of a string, steps
#: of a float sequence): no export serves requests of unbounded length by default.
SERVING_MAX_INPUT_LENGTH = 1024
