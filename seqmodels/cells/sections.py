"""Docstring sections that several cells share, written once (`seqmodels.docstrings`)."""

CELL_SECTIONS = {
    "gated_arguments": """\
    Args:
        units: int. Size of the hidden state.
        activation: candidate activation (default `"tanh"`).
        recurrent_activation: gate activation (default `"sigmoid"`).
        use_bias: bool.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras initialisers.
        layer_norm: bool. Layer-normalise the input and recurrent pre-activations.
        dropout: float in [0, 1). Input dropout, one mask per sequence.
        recurrent_dropout: float in [0, 1). Recurrent dropout, one mask per sequence.
        seed: int or None. Seed of the dropout masks.""",
    "minimal_arguments": """\
    Args:
        units: int. Size of the hidden state.
        use_bias: bool.
        kernel_initializer, bias_initializer: Keras initialisers.
        dropout: float in [0, 1). Input dropout, one mask per sequence (no recurrent
            dropout: the recurrence has no weight).
        seed: int or None. Seed of the dropout masks.""",
    "one_state_call": """\
    Call arguments:
        inputs: float tensor `(batch, features)`.
        states: list of one tensor `(batch, units)`.
        training: bool. Dropout is active only when True.

    Returns:
        `(h_t, [h_t])`, both `(batch, units)`.""",
}


__all__ = ["CELL_SECTIONS"]
