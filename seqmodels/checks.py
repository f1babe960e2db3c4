"""The checks of constructor arguments and hyperparameters, in one voice.

Every message reads as Keras's do, naming what was expected and what was
received:

    >>> check_positive_int("units", 0)
    Traceback (most recent call last):
    ...
    ValueError: Expected `units` to be a positive integer. Received: units=0.

Each check returns the value as the caller should keep it (a plain `int` or
`float`, so configs stay JSON). The ground floor of the package: it imports
nothing of seqmodels, and `pipelines` may import it (as it does `constants`).
Checks of tensors a layer is called with live in `seqmodels.layers.call_checks`.
"""

import math
import numbers


def _refuse(name, expected, value):
    raise ValueError(f"Expected `{name}` to be {expected}. Received: {name}={value!r}.")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(name, value, low):
    """An integer (Python or NumPy) `>= low`, returned as `int`."""
    if not _is_int(value) or value < low:
        _refuse(name, f"an integer >= {low}", value)
    return int(value)


def check_positive_int(name, value):
    """An integer `>= 1` (sizes, depths, widths, counts), returned as `int`."""
    if not _is_int(value) or value < 1:
        _refuse(name, "a positive integer", value)
    return int(value)


def check_rate(name, value):
    """A dropout-like fraction in `[0, 1)`, returned as `float`."""
    if not _is_number(value) or not 0.0 <= value < 1.0:
        _refuse(name, "a float in [0, 1)", value)
    return float(value)


def check_finite_nonnegative(name, value):
    """A finite number `>= 0` (a learning rate of 0 freezes the weights, which tests use)."""
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        _refuse(name, "a finite number >= 0", value)
    return value


def check_choice(name, value, choices):
    """One of `choices` (a tuple, or a dict whose keys are the choices)."""
    if value not in choices:
        shown = tuple(choices) if isinstance(choices, dict) else choices
        raise ValueError(f"Expected `{name}` in {shown}. Received: {name}={value!r}.")
    return value


__all__ = ["check_choice", "check_finite_nonnegative", "check_int", "check_positive_int",
           "check_rate"]
