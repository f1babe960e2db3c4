"""Training helpers: exact resume after a kill, deterministic mode, an atomic best-model file,
scheduled sampling against exposure bias, a wall-clock budget, a stop at the first non-finite
loss, checkpoint averaging, a learning rate halved after given epochs, a metric computed from
the model at each epoch end."""

from seqmodels.training.best_model import BestModelCheckpoint
from seqmodels.training.determinism import deterministic
from seqmodels.training.epoch_metric import EpochMetric
from seqmodels.training.finite_loss import NonFiniteLossError, StopOnNonFiniteLoss
from seqmodels.training.learning_rate import HalvingSchedule
from seqmodels.training.resume import EpochData, ExactResume, read_progress
from seqmodels.training.scheduled_sampling import (
    SCHEDULES,
    ScheduledSampling,
    teacher_forcing_ratio,
)
from seqmodels.training.time_budget import TimeBudget
from seqmodels.training.weight_averaging import AverageLastEpochs

__all__ = ["SCHEDULES", "AverageLastEpochs", "BestModelCheckpoint", "EpochData", "EpochMetric",
           "ExactResume", "HalvingSchedule",
           "NonFiniteLossError", "ScheduledSampling", "StopOnNonFiniteLoss", "TimeBudget",
           "deterministic", "read_progress", "teacher_forcing_ratio"]
