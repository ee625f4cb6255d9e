"""Every change to a point or an option moves its scenario's stamp (``updated_at``).

``scenarios.cache`` serves points from memory while their scenario's stamp is unchanged.
The loader saves the scenario itself with every change it makes; edits made elsewhere
(the admin's point and option pages, a shell) change only the point or option row, so
these receivers touch the scenario too, in the same transaction as the edit.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from scenarios.models import DecisionPoint, Option, Scenario


def _touch(**match) -> None:
    Scenario.objects.filter(**match).update(updated_at=timezone.now())


@receiver(post_save, sender=DecisionPoint, dispatch_uid="scenarios.point_changed")
@receiver(post_delete, sender=DecisionPoint, dispatch_uid="scenarios.point_removed")
def point_changed(sender, instance: DecisionPoint, raw: bool = False, **kwargs) -> None:
    if not raw:
        _touch(pk=instance.scenario_id)


@receiver(post_save, sender=Option, dispatch_uid="scenarios.option_changed")
@receiver(post_delete, sender=Option, dispatch_uid="scenarios.option_removed")
def option_changed(sender, instance: Option, raw: bool = False, **kwargs) -> None:
    if not raw:
        _touch(decision_points=instance.decision_point_id)
