"""The answer form, shared by self-paced play and workshop participants."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from scenarios.leadership import READINESS_PLAIN, Readiness
from scenarios.models import DecisionPoint, Option
from scenarios.order import lettered
from trainer.play.models import REASON_MAX_LENGTH, Mode

CONFIDENCE_LABELS = {1: "1 · a guess", 2: "2", 3: "3 · fairly sure", 4: "4", 5: "5 · certain"}


class PickField(forms.Field):
    """One value picked from a fixed set, posted by its key (``picks``: key to value).

    The answer form's templates draw their radio buttons themselves, so these fields only
    read the pick. The values may be objects already in hand (a point's options from the
    content cache), which ``ModelChoiceField`` would query for again.
    """

    widget = forms.RadioSelect
    default_error_messages = {"invalid_choice": "Choose one of these."}

    def __init__(self, *, picks: dict[str, object] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.picks = picks or {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        picked = self.picks.get(str(value).strip())
        if picked is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return picked


class AnswerForm(forms.Form):
    """Step 1: diagnose readiness. Step 2: choose an action. Optional confidence and reason.

    Built for one decision point: only that point's options are valid choices, so an option
    id from another point, or a made-up one, is rejected with a clear message.
    """

    diagnosis = PickField(
        label="How ready are they for this task?",
        picks={r.value: r.value for r in Readiness},
        error_messages={
            "required": "Choose how ready the followers are (step 1).",
            "invalid_choice": "Readiness is one of R1, R2, R3 or R4. Choose one of them.",
        },
    )
    option = PickField(
        label="What do you do?",
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
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
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
        """``options``: the point's options, if the caller has loaded them already
        (otherwise the form loads them: a prefetched list, or one query)."""
        super().__init__(*args, **kwargs)
        self.point = point
        if options is None:
            options = list(point.options.all())
        self.options: list[Option] = options
        self.fields["option"].picks = {str(option.pk): option for option in options}

    reason_max = REASON_MAX_LENGTH

    def answer(self) -> dict[str, object]:
        """The valid answer as ``Attempt.record_answer`` (and ``Participant.answer``) take it."""
        data = self.cleaned_data
        return {
            "point": self.point,
            "option": data["option"],
            "diagnosis": data["diagnosis"],
            "confidence": data["confidence"],
            "reason": data["reason"],
            "options": self.options,
        }

    def lettered_options(self) -> list[tuple[str, Option]]:
        """(A-D, option) in the order shown: a room can then say "look at C"."""
        return lettered(self.options)

    def confidence_options(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) for the confidence menu, which the template draws."""
        chosen = self["confidence"].value()
        chosen = "" if chosen is None else str(chosen)
        return [
            (str(value), label, str(value) == chosen)
            for value, label in self.fields["confidence"].choices
        ]

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


def posted_point_key(data) -> str:
    """The key of the decision a posted form names (its hidden ``point`` field), or ``""``
    when it is missing or not a key at all. A plain check rather than a form: it runs on
    every answer, and a form costs several times as much for one field."""
    key = str(data.get("point", "")).strip()
    return key if _POINT_KEY.fullmatch(key) else ""


_POINT_KEY = re.compile(r"[-a-zA-Z0-9_]{1,80}")
