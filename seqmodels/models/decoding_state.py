"""The decoding state of an encoder-decoder, as the decoding loop and the signatures see it.

A model's `encode` returns a dict of tensors, batch first: `states`, the
decoder cells' states layer by layer (a list, each `(B, units)`), and named
entries, among them the model's `source_state` (`(B, S, ...)`, the memory
first), which hold the source. A signature cannot take a list, so the flat
form names the list's tensors `state_0`, `state_1`, ...:

    >>> sorted(flat_state({"memory": 0, "states": [1, 2]}))
    ['memory', 'state_0', 'state_1']
    >>> nested_state({"memory": 0, "state_0": 1, "state_1": 2})["states"]
    [1, 2]
"""

STATES = "states"
_PREFIX = "state_"


def flat_state(state):
    """Decoding state -> flat `{name: tensor}`, the `states` list as `state_<i>`."""
    flat = {k: v for k, v in state.items() if k != STATES}
    flat.update({f"{_PREFIX}{i}": s for i, s in enumerate(state[STATES])})
    return flat


def nested_state(flat):
    """Flat `{name: tensor}` -> decoding state (the inverse of `flat_state`)."""
    state = {k: v for k, v in flat.items() if not k.startswith(_PREFIX)}
    state[STATES] = [flat[f"{_PREFIX}{i}"] for i in range(len(flat) - len(state))]
    return state


def free_shape(name, shape, source_state):
    """An entry's shape with the batch (and, for source entries, the source length) unknown."""
    free = 2 if name in source_state else 1
    return [None] * free + list(shape[free:])


__all__ = ["STATES", "flat_state", "free_shape", "nested_state"]
