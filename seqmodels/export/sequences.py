"""Serving signatures of `ManyToOne` and `AlignedManyToMany`.

Float sequences travel as padded values plus lengths:

    inputs   float32 (B, T, F)   row b holds its sequence in steps [0, lengths[b]);
                                 what lies after is ignored (pad with anything)
    lengths  int32   (B,)        0 <= lengths[b] <= T

Token models exported with a vocabulary take `inputs` tf.string `(B,)`
(characters or whitespace-separated words, as the vocabulary splits them).

Outputs:

    ManyToOne classification          probabilities (B, C), labels int64 (B,)
    ManyToOne regression              values (B, O)
    AlignedManyToMany classification  probabilities (B, T, C), labels int64 (B, T), -1 on padding
    AlignedManyToMany regression      values (B, T, O), 0 on padding

With `class_names`, classifiers add `classes` string (B,): the class name,
or for a tagger the tags of the real steps joined by spaces.

A forecaster is a `ManyToOne` regressor exported with `input_scaling` /
`output_scaling` (the `(mean, scale)` of a fitted `StandardScaler`): raw
values in, raw forecasts out.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from seqmodels.export.signature_checks import guarded
from seqmodels.export.text import check_overlong_policy, strings_to_ids
from seqmodels.layers.call_checks import with_assertions
from seqmodels.models import AlignedManyToMany, ManyToOne


def _affine(scaling, name):
    if scaling is None:
        return None
    mean, scale = (np.asarray(v, np.float32).reshape(-1) for v in scaling)
    if mean.shape != scale.shape or not np.all(scale > 0):
        raise ValueError(
            f"Expected `{name}` = (mean, scale) of equal length with scale > 0. "
            f"Received: mean shape {mean.shape}, scale {scale.tolist()}.")
    return tf.constant(mean), tf.constant(scale)


class SequenceEndpoints:
    """Builds the `serving_default` function for a many-to-one or aligned model.

    Args:
        model: a built `ManyToOne` or `AlignedManyToMany`.
        class_names: list of str or None. Adds a `classes` string output.
        vocabulary: `pipelines.Vocabulary` or None. Required for token models:
            the signature then takes strings.
        input_scaling, output_scaling: `(mean, scale)` or None; inputs are
            standardised as `(x - mean) / scale` and values returned as
            `y * scale + mean` (regression only).
        last_steps: int or None. Read only the last `last_steps` real steps of
            each row (a forecaster's window: the steps before do not count);
            applied before `max_input_length`.
        max_input_length, overlong: the policy for over-long inputs (symbols of a
            string, steps of a float sequence): `"truncate"` or `"error"`.
    """

    def __init__(self, model, *, class_names: list | None = None, vocabulary=None,
                 input_scaling: tuple | None = None, output_scaling: tuple | None = None,
                 last_steps: int | None = None, max_input_length: int | None = None,
                 overlong: str = "truncate"):
        if not isinstance(model, (ManyToOne, AlignedManyToMany)):
            raise TypeError(f"Expected a ManyToOne or AlignedManyToMany model. "
                            f"Received: {type(model).__name__}.")
        check_overlong_policy(overlong, max_input_length)
        self.model = model
        self.aligned = isinstance(model, AlignedManyToMany)
        self.classify = model.task == "classification"
        self.tokens = model.vocabulary_size is not None
        if self.tokens and vocabulary is None:
            raise ValueError("This model reads token ids: pass the `vocabulary` it was "
                             "trained with, so the export can take strings.")
        if class_names is not None and len(class_names) != model.num_outputs:
            raise ValueError(f"Expected {model.num_outputs} class_names (num_outputs). "
                             f"Received: {len(class_names)}.")
        if output_scaling is not None and self.classify:
            raise ValueError("output_scaling applies to regression models only.")
        self.class_names = None if class_names is None else [str(c) for c in class_names]
        self.vocabulary = vocabulary
        self.input_scaling = _affine(input_scaling, "input_scaling")
        self.output_scaling = _affine(output_scaling, "output_scaling")
        self.max_input_length = max_input_length
        self.overlong = overlong
        if last_steps is not None and (isinstance(last_steps, bool) or
                                       not isinstance(last_steps, int) or last_steps < 1):
            raise ValueError(f"Expected `last_steps` to be an integer >= 1 or None. Received: "
                             f"last_steps={last_steps!r}.")
        self.last_steps = last_steps

    def num_features(self):
        features = self.model.feature_size
        if features is None:
            raise ValueError("Build the model (call it once or fit it) before exporting.")
        return features

    def _outputs(self, raw, mask):
        """`raw (B, [T,] O)`, `mask (B, T)` -> the signature's output dict."""
        if not self.classify:
            values = raw
            if self.output_scaling is not None:
                values = values * self.output_scaling[1] + self.output_scaling[0]
            if self.aligned:
                values = tf.where(mask[..., None], values, 0.0)
            return {"values": values}
        probabilities = tf.nn.softmax(tf.cast(raw, tf.float32), axis=-1)
        labels = tf.argmax(probabilities, axis=-1)  # (B,) or (B, T)
        if self.aligned:
            labels = tf.where(mask, labels, tf.constant(-1, tf.int64))
        outputs = {"probabilities": probabilities, "labels": labels}
        if self.class_names is not None:
            names = tf.gather(tf.constant(self.class_names), tf.maximum(labels, 0))
            if self.aligned:
                names = tf.strings.reduce_join(
                    tf.ragged.boolean_mask(names, mask), axis=-1, separator=" ")
            outputs["classes"] = names
        return outputs

    def _checked_values(self, inputs, lengths):
        """In-graph checks naming the input; the over-long policy. Returns `(inputs, lengths)`.

        The checks run before anything else reads the inputs (control dependencies), so a
        malformed call fails with these messages, not with an op's."""
        batch, time = tf.shape(inputs)[0], tf.shape(inputs)[1]
        checks = [
            tf.debugging.assert_greater_equal(
                time, 1, message="Expected `inputs` with at least one time step (shape "
                                 "(B, T, F), T >= 1; a row of no steps is lengths[b] = 0)."),
            tf.debugging.assert_equal(
                tf.shape(lengths)[0], batch,
                message="Expected `lengths` with one entry per row of `inputs` (shape (B,))."),
            tf.debugging.assert_greater_equal(
                lengths, 0, message="Expected lengths >= 0 (lengths[b] = real steps of row b)."),
            tf.debugging.assert_less_equal(
                lengths, time, message="Expected lengths <= the time dimension of `inputs` "
                                       "(a row cannot hold more steps than the padded width)."),
        ]
        if self.max_input_length is not None and self.overlong == "error":
            checks.append(tf.debugging.assert_less_equal(
                tf.reduce_max(tf.concat([lengths, [0]], 0)), self.max_input_length,
                message=f"An input is longer than max_input_length={self.max_input_length} "
                        "steps (the export's overlong='error' policy)."))
        inputs, lengths = with_assertions((inputs, lengths), checks)
        if self.last_steps is not None:  # each row's last steps, moved to its start
            start = tf.maximum(lengths - self.last_steps, 0)  # (B,)
            steps = start[:, None] + tf.range(self.last_steps)[None, :]  # (B, last_steps)
            steps = tf.minimum(steps, tf.maximum(time - 1, 0))  # past a row's end: masked
            inputs = tf.gather(inputs, steps, batch_dims=1)  # (B, last_steps, F)
            lengths = tf.minimum(lengths, self.last_steps)
        if self.max_input_length is not None:
            inputs = inputs[:, :self.max_input_length]
            lengths = tf.minimum(lengths, self.max_input_length)
        return inputs, lengths

    def from_values(self, inputs, lengths):
        inputs, lengths = self._checked_values(inputs, lengths)
        mask = tf.sequence_mask(lengths, tf.shape(inputs)[1])  # (B, T)
        real = tf.where(mask[..., None], inputs, 0.0)  # whatever was padded, it is ignored
        x = tf.debugging.assert_all_finite(  # returns `real`, once checked
            real, message="Expected finite `inputs` in the real steps of every row "
                          "(NaN or Inf found before lengths[b]).")
        if self.input_scaling is not None:
            x = tf.where(mask[..., None], (x - self.input_scaling[0]) / self.input_scaling[1], 0.0)
        raw = self.model({"inputs": x, "inputs_mask": mask})
        return self._outputs(raw, mask)

    def from_strings(self, texts):
        ids, mask, _ = strings_to_ids(self.vocabulary, texts, max_length=self.max_input_length,
                                      overlong=self.overlong)
        raw = self.model({"inputs": ids, "inputs_mask": mask})
        return self._outputs(raw, mask)

    def functions(self):
        if self.tokens:
            serving_default = guarded(self.from_strings, [
                ("inputs", tf.string, [None], "(batch,): one string per row")])
        else:
            serving_default = guarded(self.from_values, [
                ("inputs", tf.float32, [None, None, self.num_features()],
                 "(batch, time, features)"),
                ("lengths", tf.int32, [None], "(batch,)")])
        return {"serving_default": serving_default}

    def config(self):
        return {
            "inputs": "strings" if self.tokens else "padded float32 values + int32 lengths",
            "features": None if self.tokens else int(self.num_features()),
            "class_names": self.class_names,
            "input_scaling": None if self.input_scaling is None
            else [t.numpy().tolist() for t in self.input_scaling],
            "output_scaling": None if self.output_scaling is None
            else [t.numpy().tolist() for t in self.output_scaling],
            "last_steps": self.last_steps,
            "max_input_length": self.max_input_length, "overlong": self.overlong,
        }


__all__ = ["SequenceEndpoints"]
