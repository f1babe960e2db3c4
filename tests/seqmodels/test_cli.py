import pytest

from seqmodels import cli


def test_datasets_list_names_every_dataset(capsys):
    assert cli.main(["datasets", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("japanese_vowels", "cmudict_g2p", "turkish_pos", "sunspots", "adding_problem"):
        assert name in out
    assert "T50, T100, T200, T500, T1000" in out


def test_datasets_build_reports_counts(capsys, data_dir):
    assert cli.main(["datasets", "build", "sunspots", "--data-dir", data_dir]) == 0
    assert "train: 221, test: 67, rest: 21" in capsys.readouterr().out


def test_datasets_build_unknown_name_is_a_clear_error(capsys):
    assert cli.main(["datasets", "build", "imdb"]) == 2
    assert "Unknown dataset 'imdb'" in capsys.readouterr().err


def test_the_cli_offers_exactly_the_registered_tasks_and_cells():
    # The CLI lists them by hand so that `--help` need not import TensorFlow.
    from seqmodels.cells.registry import CELLS
    from seqmodels.runs.tasks import TASKS

    assert sorted(cli.TASK_NAMES) == sorted(TASKS)
    assert sorted(cli.CELL_NAMES) == sorted(CELLS)


def test_unknown_command_exits_with_usage():
    with pytest.raises(SystemExit) as info:
        cli.main(["fly"])
    assert info.value.code == 2
