"""Runs: what `seqmodels train / evaluate / predict / export` do, as functions.

    from seqmodels.runs import train, evaluate, export
    run = train("japanese_vowels", overrides={"epochs": 5})   # runs/japanese_vowels-<time>/
    evaluate(run)
    export(run, "saved_models/vowels")
"""

from seqmodels.runs.predicting import predict, read_inputs
from seqmodels.runs.run_dir import RunDir
from seqmodels.runs.tasks import TASKS, Task, get_task
from seqmodels.runs.training import evaluate, export, train

__all__ = ["TASKS", "RunDir", "Task", "evaluate", "export", "get_task", "predict", "read_inputs",
           "train"]
