"""The answer form, shared by self-paced play and workshop participants."""

from __future__ import annotations

from django import forms

from scenarios.leadership import READINESS_PLAIN, Readiness
from scenarios.models import DecisionPoint, Option
from trainer.play.models import REASON_MAX_LENGTH, Mode


class AnswerForm(forms.Form):
    """Step 1: diagnose readiness. Step 2: choose an action. Optional confidence and reason.

    Built for one decision point: only that point's options are valid choices, so an option
    id from another point, or a made-up one, is rejected with a clear message.
    """

    diagnosis = forms.ChoiceField(
        label="How ready are they for this task?",
        choices=[(r.value, f"{r.value}: {READINESS_PLAIN[r.value]}") for r in Readiness],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how ready the followers are (step 1)."},
    )
    option = forms.ModelChoiceField(
        label="What do you do?",
        queryset=Option.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose what you do (step 2).",
            "invalid_choice": "That action does not belong to this decision. Choose one of these.",
        },
    )
    confidence = forms.TypedChoiceField(
        label="How sure are you? (optional)",
        choices=[("", "Not saying")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Confidence goes from 1 to 5."},
    )
    reason = forms.CharField(
        label="Why? One line (optional)",
        max_length=REASON_MAX_LENGTH,
        required=False,
        strip=True,
    )

    def __init__(self, point: DecisionPoint, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.point = point
        options = point.options.all()
        self.fields["option"].queryset = options
        self.fields["option"].label_from_instance = lambda option: option.text

    def readiness_choices(self) -> list[tuple[str, str]]:
        return [(r.value, READINESS_PLAIN[r.value]) for r in Readiness]


class StartForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[(Mode.REFLECTIVE, Mode.REFLECTIVE.label), (Mode.TIMED, Mode.TIMED.label)],
        initial=Mode.REFLECTIVE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose reflective or Golden Hour mode."},
    )
