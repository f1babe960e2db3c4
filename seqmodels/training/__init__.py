"""Training helpers: scheduled sampling against exposure bias; a wall-clock budget; a stop at
the first non-finite loss."""

from seqmodels.training.finite_loss import NonFiniteLossError, StopOnNonFiniteLoss
from seqmodels.training.scheduled_sampling import (
    SCHEDULES,
    ScheduledSampling,
    teacher_forcing_ratio,
)
from seqmodels.training.time_budget import TimeBudget

__all__ = ["SCHEDULES", "NonFiniteLossError", "ScheduledSampling", "StopOnNonFiniteLoss",
           "TimeBudget", "teacher_forcing_ratio"]
