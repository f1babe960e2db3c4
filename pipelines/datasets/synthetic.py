"""Seeded synthetic long-range probes: the adding problem and the copy task.

Both measure how far back a recurrent model can carry information
(long-term dependencies). Examples are generated
locally from a seed, so a build is identical on every machine.

Adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015): inputs
`(T, 2)`: channel 0 uniform in [0, 1), channel 1 marks exactly two steps,
one in each half; target = the sum of the two marked values. Predicting the
mean (1.0) gives MSE 1/6 ~ 0.167; "solved" means MSE < 0.01.

Copy task (Arjovsky et al. 2016): inputs `(T + 2K,)`: K symbols, T - 1
blanks, a delimiter, K blanks; targets: T + K blanks, then the K symbols.
Ids: 0 pad (unused), 1 blank, 2 delimiter, 3 .. 3 + alphabet - 1 symbols.
Memoryless baseline per-step accuracy on the last K steps: 1 / alphabet.
"""

from __future__ import annotations

import numpy as np
import tensorflow_datasets as tfds

BLANK_ID, DELIMITER_ID, FIRST_SYMBOL_ID = 1, 2, 3
_SEED_OFFSET = {"train": 0, "validation": 1, "test": 2}


def adding_problem(n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`n` adding-problem examples: inputs `(n, length, 2)` float32, targets `(n,)` float32.

    Example:
    >>> x, y = adding_problem(2, 6, seed=0)
    >>> x.shape, bool(np.allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1)))
    ((2, 6, 2), True)
    """
    if length < 2:
        raise ValueError(f"The adding problem needs length >= 2; received length={length}.")
    rng = np.random.default_rng(seed)
    values = rng.random((n, length), dtype=np.float32)
    markers = np.zeros((n, length), dtype=np.float32)
    half = length // 2
    rows = np.arange(n)
    markers[rows, rng.integers(0, half, n)] = 1.0
    markers[rows, rng.integers(half, length, n)] = 1.0
    inputs = np.stack([values, markers], axis=-1)
    return inputs, (values * markers).sum(axis=1).astype(np.float32)


def copy_task(
    n: int, delay: int, seed: int, *, num_symbols: int = 10, alphabet: int = 8
) -> tuple[np.ndarray, np.ndarray]:
    """`n` copy-task examples: inputs and targets, both int32 `(n, delay + 2 * num_symbols)`.

    Example:
    >>> x, y = copy_task(1, delay=3, seed=0, num_symbols=2)
    >>> bool((y[0, -2:] == x[0, :2]).all()), x[0, 2:].tolist()
    (True, [1, 1, 2, 1, 1])
    """
    if delay < 1:
        raise ValueError(f"The copy task needs delay >= 1; received delay={delay}.")
    rng = np.random.default_rng(seed)
    symbols = rng.integers(FIRST_SYMBOL_ID, FIRST_SYMBOL_ID + alphabet, (n, num_symbols))
    total = delay + 2 * num_symbols
    inputs = np.full((n, total), BLANK_ID, dtype=np.int32)
    inputs[:, :num_symbols] = symbols
    inputs[:, num_symbols + delay - 1] = DELIMITER_ID
    targets = np.full((n, total), BLANK_ID, dtype=np.int32)
    targets[:, -num_symbols:] = symbols
    return inputs, targets


class SyntheticConfig(tfds.core.BuilderConfig):
    """length: T; num_train / num_test: examples per split; seed: the base seed."""

    def __init__(
        self,
        *,
        length: int,
        num_train: int = 10_000,
        num_test: int = 1_000,
        seed: int = 0,
        **kwargs,
    ):
        kwargs.setdefault("name", f"T{length}")
        super().__init__(version=tfds.core.Version("1.0.0"), **kwargs)
        self.length, self.num_train, self.num_test, self.seed = length, num_train, num_test, seed


_STANDARD = (50, 100, 200, 500, 1000)


class _SyntheticBuilder(tfds.core.GeneratorBasedBuilder, skip_registration=True):
    BUILDER_CONFIGS = [SyntheticConfig(length=t) for t in _STANDARD]

    def _split_generators(self, dl_manager):
        c = self.builder_config
        sizes = {"train": c.num_train, "test": c.num_test}
        return {
            split: self._generate_examples(n, c.seed + _SEED_OFFSET[split])
            for split, n in sizes.items()
        }


class AddingProblem(_SyntheticBuilder):
    """The adding problem (see `pipelines.datasets.synthetic`); configs T50 ... T1000."""

    def _info(self) -> tfds.core.DatasetInfo:
        length = self.builder_config.length
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "inputs": tfds.features.Tensor(shape=(length, 2), dtype=np.float32),
                    "target": np.float32,
                }
            ),
            supervised_keys=("inputs", "target"),
        )

    def _generate_examples(self, n, seed):
        inputs, targets = adding_problem(n, self.builder_config.length, seed)
        for i in range(n):
            yield i, {"inputs": inputs[i], "target": targets[i]}


class CopyTask(_SyntheticBuilder):
    """The copy task (see `pipelines.datasets.synthetic`); T is the delay. Configs T50 ... T1000."""

    NUM_SYMBOLS, ALPHABET = 10, 8

    def _info(self) -> tfds.core.DatasetInfo:
        total = self.builder_config.length + 2 * self.NUM_SYMBOLS
        return self.dataset_info_from_configs(
            features=tfds.features.FeaturesDict(
                {
                    "inputs": tfds.features.Tensor(shape=(total,), dtype=np.int32),
                    "targets": tfds.features.Tensor(shape=(total,), dtype=np.int32),
                }
            ),
            supervised_keys=("inputs", "targets"),
        )

    def _generate_examples(self, n, seed):
        inputs, targets = copy_task(
            n,
            self.builder_config.length,
            seed,
            num_symbols=self.NUM_SYMBOLS,
            alphabet=self.ALPHABET,
        )
        for i in range(n):
            yield i, {"inputs": inputs[i], "targets": targets[i]}
