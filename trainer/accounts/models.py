"""Failed log-ins, kept in the database so a throttle holds across app processes."""

from __future__ import annotations

from django.db import models


class FailedLogin(models.Model):
    address = models.CharField(max_length=64, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.username or '?'} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"
