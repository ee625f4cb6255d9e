"""The tries each key has made lately, one row per key, so that checking and counting a try
happens under one row lock (see ``trainer.throttle.limits``)."""

from __future__ import annotations

from django.db import models


class Bucket(models.Model):
    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    # The times of the tries still inside the window, as POSIX seconds, oldest first.
    tries = models.JSONField(default=list)
    # When the newest try leaves the window: after that the row counts for nobody.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="throttle_bucket_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {len(self.tries)}"
