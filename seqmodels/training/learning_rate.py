"""HalvingSchedule: a learning rate halved after given epochs, a function of the epoch alone.

Keras's `ReduceLROnPlateau` halves the rate when the validation loss stalls:
its decision depends on the history it has seen, which a resumed `fit()`
does not replay. A schedule fixed in epochs gives the same rates whatever
process trains each epoch, so `ExactResume` stays exact. Give it to Keras's
own `keras.callbacks.LearningRateScheduler`, which sets the rate at each
epoch's start and logs it as `learning_rate`.
"""

from __future__ import annotations


def check_halvings(halvings, name="learning_rate_halvings"):
    """`halvings` as a tuple of strictly increasing ints >= 1; raises ValueError otherwise."""
    values = halvings if isinstance(halvings, list | tuple) else None
    if values is None or not all(isinstance(e, int) and not isinstance(e, bool) and e >= 1
                                 for e in values) \
            or any(b <= a for a, b in zip(values, values[1:])):
        raise ValueError(f"Expected `{name}` to be a list of strictly increasing integers >= 1 "
                         f"(epoch counts). Received: {name}={halvings!r}.")
    return tuple(values)


class HalvingSchedule:
    """`learning_rate * 0.5 ** k` at epoch `e` (0-based), `k` = how many halvings are <= `e`.

    Args:
        learning_rate: float. The rate of the first epochs.
        halvings: strictly increasing epoch counts after which the rate halves:
            `(7, 12)` trains epochs 1-7 at `learning_rate`, 8-12 at half of
            it and the rest at a quarter.

    >>> schedule = HalvingSchedule(2e-3, (7, 12))
    >>> [schedule(e) for e in (0, 6, 7, 11, 12, 20)]
    [0.002, 0.002, 0.001, 0.001, 0.0005, 0.0005]
    """

    def __init__(self, learning_rate, halvings):
        self.learning_rate = float(learning_rate)
        self.halvings = check_halvings(halvings, "halvings")

    def __call__(self, epoch, current=None):
        """The rate of `epoch` (0-based); `current`, Keras's present rate, is not read."""
        return self.learning_rate * 0.5 ** sum(epoch >= e for e in self.halvings)


__all__ = ["HalvingSchedule", "check_halvings"]
