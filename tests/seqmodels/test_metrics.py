"""WER / PER: any reference counts; PER uses the closest reference; errors."""

import pytest

from seqmodels.metrics import edit_distance, error_rates


def test_edit_distance_counts_token_operations():
    assert edit_distance(["AH", "B"], ["AH", "B"]) == 0
    assert edit_distance([], ["K", "AE"]) == 2
    assert edit_distance(["K", "AE", "T"], ["K", "AH", "T", "S"]) == 2


def test_a_word_is_right_if_it_matches_any_reference_and_per_uses_the_closest():
    refs = [[["T", "AH", "M", "EY", "T", "OW"], ["T", "AH", "M", "AA", "T", "OW"]],
            [["K", "AE", "T"]]]
    rates = error_rates([["T", "AH", "M", "AA", "T", "OW"], ["K", "AA", "T", "S"]], refs)
    assert rates["wer"] == 0.5
    assert rates["per"] == pytest.approx(2 / (6 + 3))


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match=r"Received 1 hypotheses and 2 reference lists"):
        error_rates([["A"]], [[["A"]], [["B"]]])
