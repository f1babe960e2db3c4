"""ScheduledSampling: a Keras callback that drives the decoder's sampling probability.

Exposure bias: trained by teacher forcing, a decoder only ever sees true
previous tokens, then at inference it must read its own (possibly wrong)
ones. Scheduled sampling (Bengio et al. 2015) closes the gap gradually:
at each step, with probability `p`, the decoder is fed its own previous
prediction. `p` starts near 0 and grows during training.
"""

import math

import keras

SCHEDULES = ("constant", "linear", "exponential", "inverse_sigmoid")


def teacher_forcing_ratio(schedule, step, *, k, c=0.0, minimum=0.0):
    """Bengio et al.'s epsilon_i, the probability of feeding the *true* token at step i.

        constant           epsilon = k
        linear             epsilon = max(minimum, k - c * i)
        exponential        epsilon = max(minimum, k ** i)          (k < 1)
        inverse_sigmoid    epsilon = k / (k + exp(i / k))          (k >= 1)

    >>> round(teacher_forcing_ratio("inverse_sigmoid", 0, k=10), 3)
    0.909
    """
    if schedule == "constant":
        return k
    if schedule == "linear":
        return max(minimum, k - c * step)
    if schedule == "exponential":
        return max(minimum, k**step)
    if schedule == "inverse_sigmoid":
        return k / (k + math.exp(step / k))
    raise ValueError(f"Expected `schedule` in {SCHEDULES}. Received: schedule={schedule!r}.")


class ScheduledSampling(keras.callbacks.Callback):
    """Sets `model.sampling_probability = 1 - epsilon_i` at the start of each epoch (or batch).

    The model must have been built with `scheduled_sampling=True`
    (`EncoderDecoder(attention="bahdanau", scheduled_sampling=True)`).

    Args:
        schedule: `"constant"`, `"linear"`, `"exponential"` or `"inverse_sigmoid"`.
        k, c, minimum: the schedule's constants (see `teacher_forcing_ratio`).
        per: `"epoch"` or `"batch"`: what `i` counts.

    Example:
    >>> callback = ScheduledSampling("linear", k=1.0, c=0.05, minimum=0.75)
    >>> [round(1 - teacher_forcing_ratio("linear", i, k=1.0, c=0.05, minimum=0.75), 2)
    ...  for i in range(7)]
    [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.25]
    """

    def __init__(self, schedule="inverse_sigmoid", k=10.0, c=0.0, minimum=0.0, per="epoch"):
        super().__init__()
        teacher_forcing_ratio(schedule, 0, k=k, c=c, minimum=minimum)  # validates the name
        if per not in ("epoch", "batch"):
            raise ValueError(f"Expected `per` in ('epoch', 'batch'). Received: per={per!r}.")
        self.schedule, self.k, self.c, self.minimum, self.per = schedule, k, c, minimum, per
        self.step = 0
        self.history = []

    def _variable(self):
        variable = getattr(self.model, "sampling_probability", None)
        if variable is None:
            raise ValueError(
                "ScheduledSampling needs a model built with scheduled_sampling=True "
                "(EncoderDecoder(attention='bahdanau', ...)). "
                f"Received: {type(self.model).__name__} without a `sampling_probability` variable.")
        return variable

    def _update(self):
        epsilon = teacher_forcing_ratio(self.schedule, self.step, k=self.k, c=self.c,
                                        minimum=self.minimum)
        probability = min(1.0, max(0.0, 1.0 - epsilon))
        self._variable().assign(probability)
        self.history.append(probability)
        self.step += 1

    def on_epoch_begin(self, epoch, logs=None):
        if self.per == "epoch":
            self._update()

    def on_train_batch_begin(self, batch, logs=None):
        if self.per == "batch":
            self._update()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["sampling_probability"] = float(self._variable().numpy())


__all__ = ["SCHEDULES", "ScheduledSampling", "teacher_forcing_ratio"]
