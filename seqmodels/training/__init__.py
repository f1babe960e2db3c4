"""Training helpers: scheduled sampling against exposure bias."""

from seqmodels.training.scheduled_sampling import (
    SCHEDULES,
    ScheduledSampling,
    teacher_forcing_ratio,
)

__all__ = ["SCHEDULES", "ScheduledSampling", "teacher_forcing_ratio"]
