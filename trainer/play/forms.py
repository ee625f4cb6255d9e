"""The answer form, shared by self-paced play and workshop participants."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from scenarios.leadership import READINESS_PLAIN, Readiness
from scenarios.models import DecisionPoint, Option
from trainer.play.models import REASON_MAX_LENGTH, Mode

CONFIDENCE_LABELS = {1: "1 · a guess", 2: "2", 3: "3 · fairly sure", 4: "4", 5: "5 · certain"}


class OptionField(forms.ModelChoiceField):
    """One of the decision's options, checked against the options already loaded for it.

    The point's four options are loaded once (and reused to find the best fit), so
    checking the posted id costs no query of its own.
    """

    options: list[Option] | None = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if self.options is None:
            return super().to_python(value)
        wanted = str(value).strip()
        for option in self.options:
            if str(option.pk) == wanted:
                return option
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class AnswerForm(forms.Form):
    """Step 1: diagnose readiness. Step 2: choose an action. Optional confidence and reason.

    Built for one decision point: only that point's options are valid choices, so an option
    id from another point, or a made-up one, is rejected with a clear message.
    """

    diagnosis = forms.ChoiceField(
        label="How ready are they for this task?",
        choices=[(r.value, f"{r.value}: {READINESS_PLAIN[r.value]}") for r in Readiness],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how ready the followers are (step 1).",
            "invalid_choice": "Readiness is one of R1, R2, R3 or R4. Choose one of them.",
        },
    )
    option = OptionField(
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
        label="Confidence (optional)",
        choices=[("", "Not saying")] + [(str(n), label) for n, label in CONFIDENCE_LABELS.items()],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Confidence goes from 1 to 5."},
    )
    reason = forms.CharField(
        label="Why? One line (optional)",
        help_text=f"Up to {REASON_MAX_LENGTH} characters. You will see it again in your debrief.",
        max_length=REASON_MAX_LENGTH,
        required=False,
        strip=True,
        error_messages={
            "max_length": f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer "
            "(this one has %(show_value)d)."
        },
    )

    def __init__(
        self, point: DecisionPoint, *args, options: list[Option] | None = None, **kwargs
    ) -> None:
        """``options``: the point's options, if the caller has loaded them already.

        The option field checks a posted id against ``self.options`` (no query of its own);
        its queryset is the point's options only when the form loads them itself, since
        building one costs time on the answer's hot path and nothing reads it there.
        """
        super().__init__(*args, **kwargs)
        self.point = point
        field = self.fields["option"]
        if options is None:
            options = list(point.options.all())  # a prefetched list, or one query
            field.queryset = point.options.all()
        self.options: list[Option] = options
        field.options = options
        field.label_from_instance = lambda option: option.text
        self.fields["reason"].widget.attrs.update({"autocomplete": "off"})

    def readiness_choices(self) -> list[tuple[str, str]]:
        return [(r.value, READINESS_PLAIN[r.value]) for r in Readiness]

    def readiness_rows(self) -> list[tuple[str, str, str]]:
        """(code, short label, plain description) for R1-R4."""
        return [(r.value, r.label, READINESS_PLAIN[r.value]) for r in Readiness]


class StartForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[(Mode.REFLECTIVE, Mode.REFLECTIVE.label), (Mode.TIMED, Mode.TIMED.label)],
        initial=Mode.REFLECTIVE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you want to play: reflective or Golden Hour.",
            "invalid_choice": "Choose reflective or Golden Hour mode.",
        },
    )


class PointForm(forms.Form):
    """The decision a posted answer or Continue refers to, by its key."""

    point = forms.SlugField(max_length=80)
