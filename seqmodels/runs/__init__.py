"""Runs: what `seqmodels train / evaluate / predict / export` do, as functions.

    from seqmodels.runs import train, evaluate, export
    run = train("japanese_vowels", overrides={"epochs": 5})   # runs/japanese_vowels-<time>/
    evaluate(run)
    export(run, "saved_models/vowels")
    mine = train(file_task("classify", {"train": "train.csv", "test": "test.csv"}))
"""

from seqmodels.runs.commands import evaluate, export, train
from seqmodels.runs.predicting import predict, read_inputs, read_keyed_inputs, write_predictions
from seqmodels.runs.run_dir import RunDir
from seqmodels.runs.tasks import TASKS, Task, file_task, get_task

__all__ = ["TASKS", "RunDir", "Task", "evaluate", "export", "file_task", "get_task", "predict",
           "read_inputs", "read_keyed_inputs", "train", "write_predictions"]
