"""Long tables (one row per step) -> sequences: grouping, time order, labels, and errors that
name the row and the column."""

import numpy as np
import pandas as pd
import pytest

from pipelines import from_dataframe, read_long_csv
from seqmodels.estimators import SequenceClassifier


def table():
    return pd.DataFrame({
        "id": ["b", "a", "b", "a", "a"],
        "time": [1, 2, 0, 0, 1],
        "x1": [5.0, 3.0, 4.0, 1.0, 2.0],
        "x2": [50.0, 30.0, 40.0, 10.0, 20.0],
        "label": ["down", "up", "down", "up", "up"],
    })


def test_rows_are_grouped_by_id_in_order_of_appearance_and_sorted_by_time():
    X, y, ids = from_dataframe(table(), id="id", time="time", label="label")
    assert ids == ["b", "a"] and y == ["down", "up"]
    np.testing.assert_array_equal(X[0], [[4, 40], [5, 50]])
    np.testing.assert_array_equal(X[1], [[1, 10], [2, 20], [3, 30]])
    assert X[0].dtype == np.float32


def test_a_csv_reads_as_the_same_table(tmp_path):
    path = tmp_path / "long.csv"
    table().to_csv(path, index=False)
    from_csv = read_long_csv(path)  # the defaults: id, time, label, every other column a feature
    from_df = from_dataframe(table(), id="id", time="time", label="label")
    assert from_csv.ids == from_df.ids and from_csv.y == from_df.y
    for a, b in zip(from_csv.X, from_df.X, strict=True):
        np.testing.assert_array_equal(a, b)


def test_labels_per_step_and_no_label_and_chosen_features():
    X, y, _ = from_dataframe(table(), id="id", time="time", features=["x2"], label="label",
                             label_per_step=True)
    assert [x.shape for x in X] == [(2, 1), (3, 1)]
    assert [list(t) for t in y] == [["down", "down"], ["up", "up", "up"]]
    assert from_dataframe(table().drop(columns="label"), id="id", time="time").y is None


def test_iso_dates_order_the_steps():
    df = pd.DataFrame({"id": [1, 1, 1], "time": ["2024-03-01", "2024-01-01", "2024-02-01"],
                       "v": [3.0, 1.0, 2.0]})
    X, _, ids = from_dataframe(df, id="id", time="time")
    assert ids == [1] and X[0][:, 0].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("change, message", [
    (lambda df: df.assign(label=["down", "up", "up", "up", "up"]),
     r"Sequence 'b' has two labels in the table \('up', and 'down' at row 0\)"),
    (lambda df: df.assign(time=[0, 2, 0, 0, 1]),
     r"Sequence 'b' has two rows at time 0 in the table \(row 0 and row 2\)"),
    (lambda df: df.assign(x1=[5.0, 3.0, float("nan"), 1.0, 2.0]),
     r"finite number in column 'x1' of the table. Received a missing value at row 2"),
    (lambda df: df.assign(x1=["5", "3", "four", "1", "2"]),
     r"number in column 'x1' of the table. Received 'four' at row 2"),
    (lambda df: df.rename(columns={"id": "key"}),
     r"Expected the id column 'id' in the table. Received columns: \['key'"),
])
def test_bad_tables_are_refused_naming_row_and_column(change, message):
    with pytest.raises(ValueError, match=message):
        from_dataframe(change(table()), id="id", time="time", label="label")


def test_csv_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,time,x,label\na,0,1.0,up\na,1,,up\n")
    with pytest.raises(ValueError, match=r"column 'x' of .*bad.csv. Received a missing value at "
                                         r"line 3"):
        read_long_csv(path)
    path.write_text("id,time,x,label\na,0,1.0\n")
    with pytest.raises(ValueError, match=r"line 2 has 3 fields; the header has 4"):
        read_long_csv(path)


def test_a_dataframe_given_to_an_estimator_points_to_from_dataframe():
    with pytest.raises(ValueError, match=r"pipelines.from_dataframe\(df, id=..., time=..."):
        SequenceClassifier().fit(table(), [0, 1, 0, 1, 0])


def test_the_grouped_sequences_train_a_classifier():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(40):
        label = i % 2
        for t in range(int(rng.integers(3, 8))):
            rows.append({"id": f"s{i}", "time": t, "v": rng.normal() + 2.0 * label,
                         "label": "high" if label else "low"})
    X, y, ids = from_dataframe(pd.DataFrame(rows), id="id", time="time", label="label")
    clf = SequenceClassifier(units=8, epochs=15, random_state=0).fit(X, y)
    assert clf.score(X, y) >= 0.9 and len(ids) == 40
