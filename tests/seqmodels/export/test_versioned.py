"""Version directories: increasing integers, written atomically, never overwritten."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from seqmodels.export import latest_version, read_metadata, versions
from seqmodels.export.versioned import METADATA_FILE, PARTIAL_PREFIX, write_version


def fake_saved_model(path):
    path.mkdir()
    (path / "saved_model.pb").write_bytes(b"graph")


def test_versions_count_up_and_skip_foreign_entries(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "7.txt").write_text("not a version")
    first = write_version(tmp_path, fake_saved_model, {"run": "a"})
    second = write_version(tmp_path, fake_saved_model, {"run": "b"})
    assert (first.name, second.name) == ("1", "2")
    assert versions(tmp_path) == [1, 2] and latest_version(tmp_path) == second
    assert read_metadata(second) == {"run": "b", "version": 2}
    assert not list(tmp_path.glob(PARTIAL_PREFIX + "*"))


def test_an_explicit_existing_version_is_never_overwritten(tmp_path):
    write_version(tmp_path, fake_saved_model, {}, version=3)
    with pytest.raises(FileExistsError, match="Version 3 exists already"):
        write_version(tmp_path, fake_saved_model, {}, version=3)
    assert versions(tmp_path) == [3]
    assert write_version(tmp_path, fake_saved_model, {}).name == "4"


def test_a_failing_writer_leaves_nothing_behind(tmp_path):
    def broken(path):
        path.mkdir()
        (path / "half").write_text("x")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_version(tmp_path, broken, {})
    assert list(tmp_path.iterdir()) == []


def test_latest_version_names_an_empty_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="No exported version under"):
        latest_version(tmp_path)


KILLED_EXPORT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.seqmodels.export.test_versioned import fake_saved_model
    from seqmodels.export import versioned

    def hang(*args, **kwargs):  # the graph is written; the publishing rename is next
        print("written", flush=True)
        time.sleep(600)

    versioned._publish = hang
    versioned.write_version({base!r}, fake_saved_model, {{"run": "killed"}})
""")


def test_a_process_killed_during_export_leaves_earlier_versions_intact(tmp_path):
    base = tmp_path / "model"
    write_version(base, fake_saved_model, {"run": "kept"})
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    script = KILLED_EXPORT.format(root=root, base=str(base))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "written"
        partials = list(base.glob(PARTIAL_PREFIX + "*"))
        assert len(partials) == 1 and (partials[0] / METADATA_FILE).exists()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        child.kill()
    assert versions(base) == [1]  # no partial version is visible
    assert json.loads((base / "1" / METADATA_FILE).read_text())["run"] == "kept"
    assert (base / "1" / "saved_model.pb").read_bytes() == b"graph"
    # the next export removes the dead process's partial directory and takes version 2
    assert write_version(base, fake_saved_model, {"run": "next"}).name == "2"
    assert not list(base.glob(PARTIAL_PREFIX + "*"))


def test_an_export_path_that_is_a_file_is_refused_and_left_alone(tmp_path):
    a_file = tmp_path / "model"
    a_file.write_text("mine")
    with pytest.raises(ValueError, match=r"export directory to be a folder.*which is a file"):
        write_version(a_file, fake_saved_model, {})
    assert a_file.read_text() == "mine"
