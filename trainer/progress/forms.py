"""Forms for the progress screens, including the query strings they accept."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict

from scenarios.models import Scenario
from trainer.progress.models import Cohort, CohortWorkshop
from trainer.progress.tallies import mark_stale
from trainer.workshops.models import Workshop

MAX_RANGE_DAYS = 3660


class PageForm(forms.Form):
    """``?page=N`` on any paginated screen."""

    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def page_number(self) -> int:
        if self.is_valid() and self.cleaned_data.get("page"):
            return self.cleaned_data["page"]
        return 1


class ScopeForm(PageForm):
    """The cohort dashboard's filters: a range of days, one scenario, and the page."""

    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as YYYY-MM-DD."},
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as YYYY-MM-DD."},
    )
    scenario = forms.ModelChoiceField(
        label="Scenario",
        queryset=Scenario.objects.published(),
        to_field_name="slug",
        required=False,
        empty_label="All scenarios",
        error_messages={"invalid_choice": "There is no such scenario; choose one from the list."},
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(
                    "The start date is after the end date; swap them or clear one."
                )
            if end - start > timedelta(days=MAX_RANGE_DAYS):
                raise forms.ValidationError("Choose a range of at most ten years.")
        for name in ("start", "end"):
            day = data.get(name)
            if day and not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error(name, "Choose a date between 2000 and 2100.")
        return data

    def filters(self) -> dict[str, object]:
        """The valid filters (none when the form has errors), for the dashboard's queries."""
        if not self.is_valid():
            return {}
        return {
            name: self.cleaned_data[name]
            for name in ("start", "end", "scenario")
            if self.cleaned_data.get(name) is not None
        }

    def query(self, **changes) -> str:
        """This form's valid filters as a query string, with ``changes`` applied."""
        params = QueryDict(mutable=True)
        for name, value in self.filters().items():
            params[name] = value.slug if name == "scenario" else value.isoformat()
        for name, value in changes.items():
            if value in (None, ""):
                params.pop(name, None)
            else:
                params[name] = str(value)
        return params.urlencode()


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["name", "description"]
        labels = {"name": "Cohort name", "description": "Description (optional)"}
        help_texts = {
            "name": "Learners see it when they open the invitation, "
            "e.g. “Dili duty officers, March”.",
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the cohort a name.")
        return name


class LeadForm(forms.Form):
    """On the cohort page: withdraw the link that invites a co-lead, or take a lead off."""

    RENEW = "renew"
    REMOVE = "remove"
    action = forms.ChoiceField(
        choices=[(RENEW, "Withdraw the link"), (REMOVE, "Remove a lead")],
        error_messages={"required": "Choose what to do.", "invalid_choice": "Choose what to do."},
    )
    lead = forms.ModelChoiceField(
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "That person does not lead this cohort."},
    )

    def __init__(self, cohort: Cohort, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = cohort.facilitators.all()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == self.REMOVE and data.get("lead") is None and not self.errors:
            raise forms.ValidationError("Choose the lead to remove.")
        return data


class DeleteDataForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my attempts and answers will be deleted for good.",
        error_messages={"required": "Tick the box to confirm, or go back to your progress."},
    )


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
        workshop = self.cleaned_data["workshop"]
        if self.cleaned_data["action"] == "tie":
            CohortWorkshop.objects.create(cohort=self.cohort, workshop=workshop, linked_by=user)
            message = f"“{workshop.name}” is tied to this cohort: its answers count here now."
        else:
            CohortWorkshop.objects.filter(cohort=self.cohort, workshop=workshop).delete()
            message = f"“{workshop.name}” is no longer tied; its answers no longer count here."
        mark_stale([self.cohort.pk])
        return message
