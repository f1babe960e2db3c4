"""Training helpers: scheduled sampling against exposure bias; a wall-clock budget."""

from seqmodels.training.scheduled_sampling import (
    SCHEDULES,
    ScheduledSampling,
    teacher_forcing_ratio,
)
from seqmodels.training.time_budget import TimeBudget

__all__ = ["SCHEDULES", "ScheduledSampling", "TimeBudget", "teacher_forcing_ratio"]
