"""Every validation error fires, names the index and the problem, and nothing is silently lost."""

import numpy as np
import pytest

from pipelines import from_sequences, from_texts, from_token_lists
from pipelines.validation import apply_length_policy, validate_feature_sequences
from pipelines.vocabulary import Vocabulary

GOOD = [np.zeros((3, 2)), np.ones((4, 2))]


@pytest.mark.parametrize(
    "X, match",
    [
        ([np.zeros((3, 2)), np.zeros((0, 2))], r"X\[1\] is an empty sequence"),
        ([np.zeros((3, 2)), np.zeros((3, 5))], r"X\[1\] has 5 features, expected 2"),
        ([np.zeros((3, 2)), np.zeros(3)], r"rank 2 \(time, features\).*shape \(3,\) at index 1"),
        ([np.zeros((3, 2, 1))], r"shape \(3, 2, 1\) at index 0"),
        ([np.zeros((3, 2)), np.array([[0.0, np.nan]])], r"X\[1\] contains NaN or inf.*\(0, 1\)"),
        ([np.zeros((2, 2)), np.array([[1.0, np.inf]])], r"X\[1\] contains NaN or inf"),
        ([np.zeros((3, 2)), [["a", "b"]]], r"X\[1\] has non-numeric values"),
        ([np.zeros((3, 2)), "abc"], r"X\[1\] is a string"),
        ([[[1.0, 2.0], [3.0]]], r"X\[0\] is not a rectangular array"),
        ([], r"X is empty"),
    ],
)
def test_feature_sequence_errors(X, match):
    with pytest.raises(ValueError, match=match):
        from_sequences(X, None if not X else [0] * len(X))


def test_x_and_y_of_different_lengths():
    with pytest.raises(ValueError, match=r"X and y have different lengths: 2 sequences and 3"):
        from_sequences(GOOD, [0, 1, 2])


@pytest.mark.parametrize(
    "y, task, match",
    [
        ([[0, 1], [1, 0]], "classification", r"one integer class id per sequence.*task='tagging'"),
        ([0, -1], "classification", r"negative class id \(-1\)"),
        ([0.5, 1], "classification", r"expected integer class ids"),
        ([1.0, [1.0, 2.0]], "regression", r"y\[1\] has shape \(2,\), y\[0\] has shape \(\)"),
        (
            [[0, 1, 0], [1, 1, 1]],
            "tagging",
            r"y\[1\] has shape \(3,\), expected one label per "
            r"time step \(4,\) like X\[1\]",
        ),
        ([[0.0] * 3, [np.nan] * 4], "per_step_regression", r"y\[1\] contains NaN"),
        ([[1, 2], []], "seq2seq", r"y\[1\] has shape \(0,\); expected a non-empty sequence"),
        ([0, 1], "translation", r"Expected `task` in .*Received: task='translation'"),
    ],
)
def test_target_errors(y, task, match):
    with pytest.raises(ValueError, match=match):
        from_sequences(GOOD, y, task=task)


def test_token_list_errors():
    with pytest.raises(ValueError, match=r"X\[1\] has a negative token id"):
        from_token_lists([[1, 2], [3, -4]])
    with pytest.raises(ValueError, match=r"X\[0\] has dtype float64; expected integer token ids"):
        from_token_lists([[1.5, 2.0]])
    with pytest.raises(ValueError, match=r"X\[1\] is an empty sequence \(0 tokens\)"):
        from_token_lists([[1], []])


def test_text_errors():
    vocab = Vocabulary.from_corpus(["ab"])
    with pytest.raises(ValueError, match=r"texts\[1\] is an empty sequence \(empty string\)"):
        from_texts(["ab", "  "], vocab)
    with pytest.raises(ValueError, match=r"texts\[0\] is a int; expected a string"):
        from_texts([3], vocab)
    with pytest.raises(ValueError, match=r"X and y have different lengths"):
        from_texts(["ab"], vocab, ["a", "b"], target_vocabulary=vocab)


def test_length_policy_error_is_the_default_and_names_the_first_offender():
    X = [np.zeros((3, 1)), np.zeros((9, 1)), np.zeros((12, 1))]
    with pytest.raises(ValueError, match=r"2 sequence\(s\) exceed max_length=5.*index 1 with len"):
        from_sequences(X, [0, 1, 2], max_length=5)


def test_a_max_length_that_is_not_a_positive_integer_is_refused_by_its_name():
    X = [np.zeros((3, 1))]
    for bad in ("5", 0, -2, 2.5, True):
        with pytest.raises(ValueError, match=rf"`max_length` to be a positive integer.*"
                                             rf"Received: max_length={bad!r}"):
            from_sequences(X, [0], max_length=bad)


def test_bytes_that_are_not_utf8_are_refused_naming_the_item():
    vocab = Vocabulary.from_corpus(["ab"], level="char")
    with pytest.raises(ValueError, match=r"texts\[1\] to be UTF-8 text.*at byte 0"):
        from_texts([b"ab", b"\xff\xfeab"], vocab)


def test_length_policy_truncate_counts_and_cuts_per_step_targets_too():
    X = [np.arange(3.0)[:, None], np.arange(9.0)[:, None]]
    y = [np.arange(3), np.arange(9)]
    with pytest.warns(UserWarning, match=r"1 truncated, 0 dropped"):
        ds, report = from_sequences(
            X, y, task="tagging", max_length=5, length_policy="truncate", return_report=True
        )
    assert (report.truncated, report.dropped) == (1, 0)
    items = list(ds.as_numpy_iterator())
    assert [x["inputs"][:, 0].tolist() for x, _ in items] == [[0, 1, 2], [0, 1, 2, 3, 4]]
    assert [t.tolist() for _, t in items] == [[0, 1, 2], [0, 1, 2, 3, 4]]


def test_length_policy_drop_keeps_targets_aligned():
    X = [np.full((2, 1), 0.0), np.full((9, 1), 1.0), np.full((3, 1), 2.0)]
    with pytest.warns(UserWarning, match=r"0 truncated, 1 dropped"):
        ds, report = from_sequences(
            X, [10, 11, 12], max_length=5, length_policy="drop", return_report=True
        )
    assert report.kept_indices == (0, 2)
    assert [(float(x["inputs"][0, 0]), int(y)) for x, y in ds.as_numpy_iterator()] == [
        (0.0, 10),
        (2.0, 12),
    ]


def test_length_policy_rejects_unknown_names_and_bad_lengths():
    arrays = validate_feature_sequences(GOOD)
    with pytest.raises(ValueError, match=r"Unknown length_policy 'cut'"):
        apply_length_policy(arrays, None, max_length=2, policy="cut", per_step_targets=False)
    with pytest.raises(ValueError, match=r"Received: max_length=0"):
        apply_length_policy(arrays, None, max_length=0, policy="drop", per_step_targets=False)
