"""Limitation 5, interpretability: what the diagnostics reveal on JapaneseVowels and CMUdict G2P.

    .venv/bin/python benchmarks/limitations/interpretability.py [--g2p-model FILE.keras]

JapaneseVowels: a BiGRU classifier (the CLI task's default, 40 epochs); the
forward layer's hidden-state trajectories of the test utterances projected by
PCA, coloured by speaker. Claim quantified: the final states separate by
speaker -- 5-nearest-neighbour accuracy of the speaker from the 2-D
projection of the last state, and the silhouette score by speaker. Also a
per-unit heatmap and the input saliency of one utterance.

G2P: the attention of an encoder-decoder on 1,000 test words (teacher
forced). Claim quantified: letters and sounds align monotonically -- the
share of attention mass within one source step of the diagonal, and the
share of output steps whose most-attended letter does not move backwards.
With `--g2p-model` it reads the benchmark model (benchmarks/quality/g2p.py
writes one); without, it trains the main job's model for `--g2p-minutes`.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from benchmarks.limitations.common import image, save  # noqa: E402
from seqmodels.diagnostics import (  # noqa: E402
    attention_weights,
    diagonal_mass,
    hidden_states,
    input_saliency,
    monotonic_share,
    plots,
    project_trajectories,
)
from seqmodels.runs import get_task  # noqa: E402

FORWARD = "encoder/forward_recurrent_0"


def vowels(seed):
    task = get_task("japanese_vowels")
    X, y = task.read("train")
    X_test, y_test = task.read("test")
    keras.utils.set_random_seed(seed)
    clf = task.make_estimator(random_state=seed).fit(X, y)
    accuracy = clf.score(X_test, y_test)
    x, _, _ = clf.model_batch(X_test, y_test)
    states = hidden_states(clf.model_, x)[FORWARD]  # (n, T, 64), NaN on padding
    paths, pca = project_trajectories(states)
    last = np.stack([p[-1] for p in paths])  # (n, 2): the state after each utterance
    knn = cross_val_score(KNeighborsClassifier(5), last, y_test, cv=5).mean()
    silhouette = silhouette_score(last, y_test)
    plots.trajectories(paths, image("vowels_trajectories"), labels=list(y_test),
                       title=f"JapaneseVowels: forward GRU states, PCA "
                             f"({100 * pca.explained_variance_ratio_.sum():.0f}% of variance)")
    n = int(x["inputs_mask"][0].sum())
    plots.unit_heatmap(states[0, :n], image("vowels_units"),
                       title=f"speaker {y_test[0]}: forward GRU units over the utterance")
    saliency = input_saliency(clf.model_, {k: v[:1] for k, v in x.items()})[0, :n]
    plots.saliency(saliency, image("vowels_saliency"),
                   title=f"speaker {y_test[0]}: ||d logit / d x_t|| of the predicted speaker")
    return {"test_accuracy": accuracy, "explained_variance_2d": pca.explained_variance_ratio_,
            "knn5_speaker_accuracy_from_2d_last_state": knn, "chance": 1 / 9,
            "silhouette_by_speaker": silhouette, "saliency_one_utterance": saliency}


def g2p_model(path, minutes, seed):
    """`(model, letters, phones, source)`: a `.keras` file of benchmarks/quality/g2p.py with
    its vocabularies, or the main job's estimator (`seqmodels demo`'s budget) trained here."""
    from benchmarks.g2p_data import read_split, vocabularies

    if path:
        letters, phones = vocabularies(read_split("train"))
        return keras.saving.load_model(path, safe_mode=True), letters, phones, str(path)
    from seqmodels.runs import get_task
    from seqmodels.runs.demo import DEMO_BUDGET
    from seqmodels.training import TimeBudget

    task = get_task("cmudict_g2p")
    estimator = task.make_estimator(**DEMO_BUDGET, random_state=seed, verbose=2)
    estimator.fit(*task.read("train"), validation_data=task.read("validation"),
                  callbacks=[TimeBudget(minutes)])
    return (estimator.model_, estimator.vocabulary_, estimator.target_vocabulary_,
            f"the cmudict_g2p task's estimator with seqmodels demo's budget, {minutes} minutes")


def g2p(path, minutes, seed, n=1000):
    from benchmarks.g2p_data import read_split
    from pipelines import from_token_lists, pad_to_batch_max, teacher_forcing

    model, letters, phones, source = g2p_model(path, minutes, seed)
    test = [(w, prons[:1]) for w, prons in read_split("test")[:n]]  # first reading
    batches = from_token_lists(
        letters.encode_python([w for w, _ in test]),
        phones.encode_python([p[0] for _, p in test]), task="seq2seq",
    ).apply(teacher_forcing()).apply(pad_to_batch_max(250))  # in order
    alignments = []
    for x, _, _ in batches:
        alignments += attention_weights(model, {k: v.numpy() for k, v in x.items()})
    shown = [0, 1, 2, 3]
    plots.attention_heatmaps(
        [alignments[i] for i in shown], image("g2p_attention"),
        sources=[list(test[i][0]) for i in shown],
        targets=[test[i][1][0].split() + ["</s>"] for i in shown])
    return {"model": source, "words": len(alignments),
            "diagonal_mass_band1": diagonal_mass(alignments, band=1),
            "diagonal_mass_band0": diagonal_mass(alignments, band=0),
            "monotonic_share": monotonic_share(alignments)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--g2p-model", default=None)
    parser.add_argument("--g2p-minutes", type=float, default=6.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = {"command": "benchmarks/limitations/interpretability.py", "args": vars(args),
              "vowels": vowels(args.seed)}
    print(result["vowels"], flush=True)
    result["g2p"] = g2p(args.g2p_model, args.g2p_minutes, args.seed)
    print(result["g2p"], flush=True)
    print(save("interpretability", result))


if __name__ == "__main__":
    main()
