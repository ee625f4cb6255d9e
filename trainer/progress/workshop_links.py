"""Workshops tied to cohorts, so a workshop's answers count in the cohort's figures.

The workshop app owns ``Workshop``; the link (``CohortWorkshop``) lives in this app so that
app needs no change. A facilitator can tie any workshop they run to a cohort they lead.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from trainer.play.models import Attempt, Mode
from trainer.progress.models import Cohort, CohortWorkshop
from trainer.workshops.models import Workshop


def tied_workshop_attempts(cohort: Cohort | int) -> QuerySet[Attempt]:
    """Attempts played in workshops tied to ``cohort``."""
    return Attempt.objects.filter(
        mode=Mode.WORKSHOP, workshop_participant__workshop__cohort_links__cohort=cohort
    )


def cohorts_of_workshop_attempt(attempt: Attempt) -> list[int]:
    """Cohorts tied to the workshop ``attempt`` was played in (none outside workshops)."""
    if attempt.mode != Mode.WORKSHOP:
        return []
    return list(
        CohortWorkshop.objects.filter(workshop__participants__attempt=attempt).values_list(
            "cohort_id", flat=True
        )
    )


def tied_workshops(cohort: Cohort) -> QuerySet[CohortWorkshop]:
    return cohort.workshop_links.select_related("workshop__scenario", "workshop__facilitator")


class WorkshopLinkForm(forms.Form):
    """Tie one of the facilitator's workshops to the cohort, or untie a tied one."""

    workshop = forms.ModelChoiceField(
        label="Workshop",
        queryset=Workshop.objects.none(),
        empty_label="Choose one of your workshops",
        error_messages={
            "required": "Choose a workshop.",
            "invalid_choice": "That is not one of your workshops.",
        },
    )
    action = forms.ChoiceField(
        choices=[("tie", "Tie"), ("untie", "Untie")], initial="tie", widget=forms.HiddenInput
    )

    def __init__(self, cohort: Cohort, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["workshop"].queryset = (
            Workshop.objects.run_by(user).select_related("scenario").order_by("-created_at")
        )
        self.fields["workshop"].label_from_instance = lambda w: (
            f"{w.name} · {w.created_at:%d %b %Y} · code {w.code_grouped}"
        )

    def untied_choices(self) -> QuerySet[Workshop]:
        return self.fields["workshop"].queryset.exclude(cohort_links__cohort=self.cohort)

    def clean(self) -> dict:
        data = super().clean()
        workshop, action = data.get("workshop"), data.get("action")
        if workshop is None or action is None:
            return data
        tied = CohortWorkshop.objects.filter(cohort=self.cohort, workshop=workshop).exists()
        if action == "tie" and tied:
            raise forms.ValidationError(f"“{workshop.name}” is already tied to this cohort.")
        if action == "untie" and not tied:
            raise forms.ValidationError(f"“{workshop.name}” is not tied to this cohort.")
        return data

    def save(self, user=None) -> str:
        """Tie or untie; the cohort's figures are recounted on the next look. Returns a message."""
        from trainer.progress.tallies import mark_stale

        workshop = self.cleaned_data["workshop"]
        if self.cleaned_data["action"] == "tie":
            CohortWorkshop.objects.create(cohort=self.cohort, workshop=workshop, linked_by=user)
            message = f"“{workshop.name}” is tied to this cohort: its answers count here now."
        else:
            CohortWorkshop.objects.filter(cohort=self.cohort, workshop=workshop).delete()
            message = f"“{workshop.name}” is no longer tied; its answers no longer count here."
        mark_stale([self.cohort.pk])
        return message
