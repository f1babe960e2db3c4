"""Exported encoder-decoders: strings in, the in-memory model's outputs out, TensorFlow alone."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from seqmodels.decoding import BeamSearch, Greedy
from seqmodels.export import export_saved_model, read_metadata
from tests.seqmodels.export.conftest import QUERIES

SIGNATURES = ["decode_step", "encode", "greedy", "nbest", "score", "serving_default"]


def in_memory(model, letters, phones, words, strategy):
    """Eager decoding of `words` with the model object: `(strings, log_probs)`."""
    ids = letters.encode(words).to_tensor()
    result = model.generate({"inputs": ids, "inputs_mask": ids != 0}, strategy,
                            max_length=2 * ids.shape[1] + 10)
    return phones.decode_python(np.asarray(result["tokens"])[:, 0]), \
        np.asarray(result["log_probs"])[:, 0]


def assert_decodes_as_in_memory(loaded, model, letters, phones):
    """`serving_default` (beam 4) and `greedy` give the model's own outputs and scores."""
    for name, strategy in (("serving_default", BeamSearch(4, n_best=1)), ("greedy", Greedy())):
        out = loaded.signatures[name](inputs=tf.constant(QUERIES))
        expected, log_probs = in_memory(model, letters, phones, QUERIES, strategy)
        assert strings(out["outputs"]) == expected
        np.testing.assert_allclose(out["scores"].numpy(), log_probs, rtol=1e-5, atol=1e-5)
        yield out, log_probs


def strings(tensor):
    return [s.decode() for s in np.asarray(tensor).ravel().tolist()]


def test_loaded_signatures_equal_the_in_memory_model(g2p):
    model, letters, phones, path = g2p
    loaded = tf.saved_model.load(str(path))
    assert sorted(loaded.signatures) == SIGNATURES
    outputs = [strings(out["outputs"])
               for out, _ in assert_decodes_as_in_memory(loaded, model, letters, phones)]
    assert len(set(outputs[-1])) > 1  # outputs depend on the input


def test_score_signature_gives_the_decoded_outputs_their_scores(g2p):
    _, _, _, path = g2p
    loaded = tf.saved_model.load(str(path))
    decoded = loaded.signatures["serving_default"](inputs=tf.constant(QUERIES))
    scored = loaded.signatures["score"](inputs=tf.constant(QUERIES), outputs=decoded["outputs"])
    np.testing.assert_allclose(scored["scores"].numpy(), decoded["scores"].numpy(), atol=1e-4)
    other = loaded.signatures["score"](inputs=tf.constant(["cat"]), outputs=tf.constant(["T IY"]))
    assert other["scores"].numpy()[0] < 0.0


def test_nbest_is_best_first_and_its_first_is_the_default_output(g2p):
    _, _, _, path = g2p
    loaded = tf.saved_model.load(str(path))
    nbest = loaded.signatures["nbest"](inputs=tf.constant(QUERIES))
    default = loaded.signatures["serving_default"](inputs=tf.constant(QUERIES))
    assert nbest["outputs"].shape == (len(QUERIES), 4)
    assert strings(nbest["outputs"][:, 0]) == strings(default["outputs"])
    for row in nbest["outputs"].numpy():
        assert len(set(row.tolist())) == 4  # distinct hypotheses


def test_streaming_with_encode_and_decode_step_reproduces_greedy(g2p):
    _, _, phones, path = g2p
    loaded = tf.saved_model.load(str(path))
    words = tf.constant(["hello", "cat", "dog"])
    state = loaded.signatures["encode"](inputs=words)
    tokens, produced = tf.fill([3], 2), []
    for _ in range(12):
        step = loaded.signatures["decode_step"](tokens=tokens, **state)
        logits = step.pop("logits").numpy()
        logits[:, :3] = -np.inf  # pad, OOV and <s> are never emitted (as in decoding)
        attention = step.pop("attention").numpy()
        np.testing.assert_allclose(attention.sum(-1), 1.0, atol=1e-5)
        tokens = tf.constant(logits.argmax(-1), tf.int32)
        produced.append(tokens.numpy())
        state = step
    produced = np.stack(produced, 1)  # (3, 12)
    streamed = phones.decode_python(
        [row[: list(row).index(3) + 1] if 3 in row else row for row in produced.tolist()])
    greedy = loaded.signatures["greedy"](inputs=words)
    assert strings(greedy["outputs"]) == streamed


def test_unknown_symbols_empty_and_overlong_inputs(g2p):
    model, letters, phones, path = g2p
    loaded = tf.saved_model.load(str(path))
    out = loaded.signatures["serving_default"](inputs=tf.constant(["", "@@@", "catcatcatcat"]))
    assert strings(out["outputs"])[0] == "" and out["scores"].numpy()[0] == 0.0
    assert np.isfinite(out["scores"].numpy()).all()
    # truncate policy (max_input_length=8): the long word reads as its first 8 letters
    cut = loaded.signatures["serving_default"](inputs=tf.constant(["catcatca"]))
    assert strings(out["outputs"])[2] == strings(cut["outputs"])[0]
    empty = loaded.signatures["score"](inputs=tf.constant([""]), outputs=tf.constant([""]))
    assert empty["scores"].numpy()[0] == 0.0


def test_overlong_error_policy_names_the_limit(g2p, tmp_path):
    model, letters, phones, _ = g2p
    path = export_saved_model(model, tmp_path / "g2p", source_vocabulary=letters,
                              target_vocabulary=phones, max_input_length=4, overlong="error")
    loaded = tf.saved_model.load(str(path))
    assert strings(loaded.signatures["greedy"](inputs=tf.constant(["cat"]))["outputs"])
    with pytest.raises(tf.errors.InvalidArgumentError, match="max_input_length=4"):
        loaded.signatures["greedy"](inputs=tf.constant(["cat", "hello"]))


def test_malformed_calls_fail_with_a_clear_error(g2p):
    _, _, _, path = g2p
    loaded = tf.saved_model.load(str(path))
    fn = loaded.signatures["serving_default"]
    with pytest.raises(TypeError, match="inputs"):
        fn(words=tf.constant(["cat"]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a string tensor"):
        fn(inputs=tf.constant([1, 2]))


def test_score_and_decode_step_refuse_calls_that_do_not_fit_together(g2p):
    _, _, phones, path = g2p
    loaded = tf.saved_model.load(str(path))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected `outputs` with one string per string of `inputs`"):
        loaded.signatures["score"](inputs=tf.constant(["cat", "dog"]),
                                   outputs=tf.constant(["K AE T"]))
    state = loaded.signatures["encode"](inputs=tf.constant(["cat", "dog"]))
    step = loaded.signatures["decode_step"]
    for tokens in ([2, phones.size], [-1, 2]):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=rf"Expected `tokens` in \[0, {phones.size}\)"):
            step(tokens=tf.constant(tokens, tf.int32), **state)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected `\w+` with one row per token"):
        step(tokens=tf.constant([2, 2, 2], tf.int32), **state)
    assert step(tokens=tf.constant([2, 2], tf.int32), **state)["logits"].shape[0] == 2
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Expected `tokens` of shape \(\?,\): \(batch,\): one id"):
        step(tokens=tf.constant([[2, 2]], tf.int32), **state)


def test_every_string_signature_refuses_a_batch_that_is_not_one_string_per_row(g2p):
    _, _, _, path = g2p
    loaded = tf.saved_model.load(str(path))
    grid = tf.constant([["cat", "dog"]])
    for name in ("serving_default", "greedy", "nbest", "encode"):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"Expected `inputs` of shape \(\?,\): \(batch,\)"):
            loaded.signatures[name](inputs=grid)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected `outputs` of shape"):
        loaded.signatures["score"](inputs=tf.constant(["cat"]), outputs=tf.constant([["K"]]))


def test_tf_data_map_equals_calling_the_signature(g2p):
    _, _, _, path = g2p
    loaded = tf.saved_model.load(str(path))  # keep it alive: the signature reads its variables
    fn = loaded.signatures["serving_default"]
    words = QUERIES * 3
    mapped = tf.data.Dataset.from_tensor_slices(words).batch(4).map(
        lambda w: fn(inputs=w)["outputs"], num_parallel_calls=2, deterministic=True)
    assert [s for batch in mapped for s in strings(batch)] == strings(
        fn(inputs=tf.constant(words))["outputs"])


def test_loads_in_a_process_without_keras_or_seqmodels(g2p):
    model, letters, phones, path = g2p
    code = (
        "import json, sys\n"
        "for name in ('keras', 'seqmodels', 'pipelines', 'tensorflow_datasets'):\n"
        "    sys.modules[name] = None\n"
        "import tensorflow as tf\n"
        f"fn = tf.saved_model.load({str(path)!r}).signatures['serving_default']\n"
        f"out = fn(inputs=tf.constant({QUERIES!r}))\n"
        "print(json.dumps([s.decode() for s in out['outputs'].numpy().tolist()]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-2000:]
    expected, _ = in_memory(model, letters, phones, QUERIES, BeamSearch(4, n_best=1))
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected


def _saved_model_cli():
    found = pathlib.Path(sys.executable).with_name("saved_model_cli")
    return str(found) if found.exists() else shutil.which("saved_model_cli")


def test_saved_model_cli_lists_the_signatures_and_runs_the_default(g2p):
    model, letters, phones, path = g2p
    cli = _saved_model_cli()
    assert cli, "saved_model_cli is installed with tensorflow"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    shown = subprocess.run([cli, "show", "--dir", str(path), "--all"], capture_output=True,
                           text=True, timeout=300, env=env)
    assert shown.returncode == 0, shown.stderr[-2000:]
    for name in SIGNATURES:
        assert f"signature_def['{name}']" in shown.stdout
    run = subprocess.run(
        [cli, "run", "--dir", str(path), "--tag_set", "serve", "--signature_def",
         "serving_default", "--input_exprs", "inputs=['hello','cat']"],
        capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    expected, _ = in_memory(model, letters, phones, ["hello", "cat"], BeamSearch(4, n_best=1))
    for pron in expected:
        assert repr(pron.encode()) in run.stdout


def test_metadata_describes_model_vocabularies_data_and_versions(g2p):
    model, letters, phones, path = g2p
    meta = read_metadata(path)
    assert meta["version"] == 1 and path.name == "1"
    assert meta["model_class"] == "EncoderDecoder"
    assert meta["model_config"]["units"] == model.units
    assert meta["vocabularies"]["source_vocabulary"] == {"level": "char",
                                                         "tokens": letters.tokens}
    assert meta["vocabularies"]["target_vocabulary"]["tokens"] == phones.tokens
    assert meta["signatures"] == SIGNATURES
    assert meta["serving"]["beam_width"] == 4 and meta["serving"]["max_input_length"] == 8
    assert meta["serving"]["max_output_length"] == 2 * 8 + 10  # bounded with the input
    assert meta["data"] == {"words": ["cat", "dog", "hello", "world", "tea", "code"]}
    assert meta["metrics"] == {"wer": 1.0}
    assert meta["versions"]["tensorflow"] == tf.__version__


def test_bad_exports_are_refused_before_writing(g2p, tmp_path):
    model, letters, phones, _ = g2p
    with pytest.raises(ValueError, match="target_vocabulary"):
        export_saved_model(model, tmp_path / "m", source_vocabulary=letters)
    with pytest.raises(ValueError, match="has 15 ids but the model was built for 17"):
        export_saved_model(model, tmp_path / "m", source_vocabulary=letters,
                           target_vocabulary=letters)
    with pytest.raises(ValueError, match="overlong"):
        export_saved_model(model, tmp_path / "m", source_vocabulary=letters,
                           target_vocabulary=phones, overlong="skip")
    with pytest.raises(TypeError, match="Received: str"):
        export_saved_model("model", tmp_path / "m")
    assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


def test_an_empty_batch_returns_empty_outputs(g2p):
    _, _, _, path = g2p
    loaded = tf.saved_model.load(str(path))
    none = tf.constant([], tf.string)
    for name in ("serving_default", "greedy"):
        assert loaded.signatures[name](inputs=none)["outputs"].shape == (0,)
    assert loaded.signatures["nbest"](inputs=none)["scores"].shape == (0, 4)
    assert loaded.signatures["score"](inputs=none, outputs=none)["scores"].shape == (0,)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_decoding_in_length_sorted_chunks_changes_no_output(g2p, tmp_path, jit_compile):
    """chunk_size=3 decodes the words sorted by length three at a time (the last chunk
    partial), each chunk cut to its own longest word (with XLA: padded to a bucketed
    shape): the outputs, n-best lists and scores are those of the whole batch decoded
    at once, in the request's order."""
    model, letters, phones, _ = g2p
    words = QUERIES + ["tea", "c", "world"]
    path = export_saved_model(model, tmp_path / "m", source_vocabulary=letters,
                              target_vocabulary=phones, max_input_length=8, chunk_size=3,
                              jit_compile=jit_compile)
    loaded = tf.saved_model.load(str(path))
    for name, strategy in (("serving_default", BeamSearch(4, n_best=1)), ("greedy", Greedy()),
                           ("nbest", BeamSearch(4, n_best=4))):
        out = loaded.signatures[name](inputs=tf.constant(words))
        ids = letters.encode(words).to_tensor()
        result = model.generate({"inputs": ids, "inputs_mask": ids != 0}, strategy,
                                max_length=2 * ids.shape[1] + 10)
        expected = [phones.decode_python(row) for row in np.asarray(result["tokens"])]
        got = np.asarray(out["outputs"]).reshape(len(words), -1)
        assert [[s.decode() for s in row] for row in got] == expected
        np.testing.assert_allclose(out["scores"].numpy().reshape(len(words), -1),
                                   np.asarray(result["log_probs"]), rtol=1e-5, atol=1e-5)
    assert read_metadata(path)["serving"]["chunk_size"] == 3
    assert read_metadata(path)["serving"]["jit_compile"] is jit_compile
    single = loaded.signatures["greedy"](inputs=tf.constant(["hello"]))  # a 1-row chunk
    expected, _ = in_memory(model, letters, phones, ["hello"], Greedy())
    assert strings(single["outputs"]) == expected
    assert loaded.signatures["nbest"](inputs=tf.constant([], tf.string))["scores"].shape == (0, 4)
    with pytest.raises(ValueError, match="Received: chunk_size=0"):
        export_saved_model(model, tmp_path / "bad", source_vocabulary=letters,
                           target_vocabulary=phones, chunk_size=0)
    with pytest.raises(ValueError, match="jit_compile=True needs a bounded output"):
        export_saved_model(model, tmp_path / "bad", source_vocabulary=letters,
                           target_vocabulary=phones, max_input_length=None, jit_compile=True)


def test_an_ensemble_exports_as_one_model(g2p, tmp_path):
    """Two differently trained members, decoded as one: the loaded signatures give the
    in-memory ensemble's outputs and scores, and `score` agrees with them."""
    from seqmodels.models import EncoderDecoderEnsemble
    from tests.seqmodels.export.conftest import tiny_g2p

    model, letters, phones, _ = g2p
    other, _, _ = tiny_g2p(attention="luong", seed=1, epochs=40)
    ensemble = EncoderDecoderEnsemble([model, other])
    path = export_saved_model(ensemble, tmp_path / "m", source_vocabulary=letters,
                              target_vocabulary=phones, max_input_length=8)
    loaded = tf.saved_model.load(str(path))
    assert sorted(loaded.signatures) == SIGNATURES
    for out, log_probs in assert_decodes_as_in_memory(loaded, ensemble, letters, phones):
        scored = loaded.signatures["score"](inputs=tf.constant(QUERIES), outputs=out["outputs"])
        np.testing.assert_allclose(scored["scores"].numpy(), log_probs, atol=1e-4)
    state = loaded.signatures["encode"](inputs=tf.constant(QUERIES))
    assert {"memory_0", "memory_1", "feed_0"} <= set(state)
    step = loaded.signatures["decode_step"](tokens=tf.fill([len(QUERIES)], 2), **state)
    first = np.asarray(ensemble.generate(
        {"inputs": letters.encode(QUERIES).to_tensor()}, Greedy(), max_length=1)["tokens"])
    logits = step["logits"].numpy()
    logits[:, :3] = -np.inf
    np.testing.assert_array_equal(logits.argmax(-1), first[:, 0, 0])
