"""Forms for creating and running workshops and for joining one."""

from __future__ import annotations

import re
import unicodedata

from django import forms

from scenarios.models import Scenario
from trainer.workshops import codes
from trainer.workshops.models import DISPLAY_NAME_MAX_LENGTH, MAX_CAPACITY, TITLE_MAX_LENGTH

_SPACES = re.compile(r"\s+")


class WorkshopForm(forms.Form):
    scenario = forms.ModelChoiceField(
        label="Scenario",
        queryset=Scenario.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the scenario the room will play.",
            "invalid_choice": "That scenario is not published. Choose one from the list.",
        },
    )
    title = forms.CharField(
        label="Title for this session (optional)",
        help_text="Shown on the presenter screen, for example “Induction, Dili office”.",
        max_length=TITLE_MAX_LENGTH,
        required=False,
        strip=True,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = Scenario.objects.published().with_point_counts()

    def scenarios_in_arc_order(self) -> list[Scenario]:
        """The choices as the crisis runs, with their length, for the facilitator to pick."""
        return self.fields["scenario"].queryset.in_arc_order()


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Workshop code",
        max_length=20,
        help_text="Six letters and digits, shown on the facilitator's screen.",
        error_messages={"required": "Type the code from the facilitator's screen."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "code-input",
            }
        ),
    )

    def clean_code(self) -> str:
        return codes.normalize(self.cleaned_data["code"])


# Kept although they are format characters: they join emoji into one (a family, a flag).
_JOINERS = {"\u200d"}
_SKIN_TONES = range(0x1F3FB, 0x1F400)


def clean_display_name(raw: str) -> str:
    """Trim, fold runs of spaces, and drop invisible control and format characters."""
    visible = "".join(
        ch for ch in raw if unicodedata.category(ch)[0] != "C" or ch in " \t\n" or ch in _JOINERS
    )
    return _SPACES.sub(" ", visible).strip()


def visible_length(text: str) -> int:
    """How many characters a person sees: an accent, a skin tone or an emoji joined to
    the one before does not count again, so "Zé", "👋🏽" and "👩‍👩‍👧" are 2, 1 and 1."""
    count, joined = 0, False
    for ch in text:
        if joined or ch in _JOINERS:
            joined = ch in _JOINERS
            continue
        if unicodedata.category(ch) in {"Mn", "Me"} or ord(ch) in _SKIN_TONES:
            continue
        count += 1
    return count


NAME_TOO_LONG = "Keep your name to {limit} characters or fewer (this one has {length})."


class JoinNameForm(forms.Form):
    """One limit, said in the help and applied the same way to a typed or a pasted name:
    the browser cuts nothing (no maxlength), the server counts what a person sees."""

    display_name = forms.CharField(
        label="Your name in this workshop",
        help_text=f"Up to {DISPLAY_NAME_MAX_LENGTH} characters. The room may see it on the big "
        "screen; it is never shown beside your answers or reasons.",
        strip=False,
        error_messages={"required": "Type a name the room will recognise."},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_display_name(self) -> str:
        raw = self.cleaned_data["display_name"]
        if len(raw) > DISPLAY_NAME_MAX_LENGTH * 20:  # a pasted page, not a name
            raise forms.ValidationError(
                NAME_TOO_LONG.format(limit=DISPLAY_NAME_MAX_LENGTH, length=visible_length(raw))
            )
        name = clean_display_name(raw)
        if not name:
            raise forms.ValidationError("Type a name the room will recognise.")
        length = visible_length(name)
        if length > DISPLAY_NAME_MAX_LENGTH:
            raise forms.ValidationError(
                NAME_TOO_LONG.format(limit=DISPLAY_NAME_MAX_LENGTH, length=length)
            )
        return name


class ControlForm(forms.Form):
    """One facilitator action. ``step`` is the decision number the screen showed, so a
    double click or a second control screen cannot skip a decision."""

    OPEN = "open"
    LOCK = "lock"
    REOPEN = "reopen"
    REVEAL = "reveal"
    BRANCH = "branch"
    END = "end"
    HIDE = "hide"
    SHOW = "show"
    COUNTDOWN = "countdown"

    action = forms.ChoiceField(
        choices=[(a, a) for a in (OPEN, LOCK, REOPEN, REVEAL, BRANCH, END, HIDE, SHOW, COUNTDOWN)],
        error_messages={"invalid_choice": "That is not something a workshop can do."},
    )
    step = forms.IntegerField(min_value=0)
    option = forms.IntegerField(required=False, min_value=1)
    majority = forms.BooleanField(required=False)
    answer = forms.IntegerField(required=False, min_value=1)
    seconds = forms.IntegerField(required=False, min_value=10, max_value=900)


class PeopleForm(forms.Form):
    """On the people page: take someone out of the room, or set how many may join."""

    REMOVE = "remove"
    CAPACITY = "capacity"

    action = forms.ChoiceField(
        choices=[(REMOVE, REMOVE), (CAPACITY, CAPACITY)],
        error_messages={"invalid_choice": "That is not something this page can do."},
    )
    participant = forms.IntegerField(required=False, min_value=1)
    capacity = forms.IntegerField(
        label="Most people who can join",
        required=False,
        min_value=1,
        max_value=MAX_CAPACITY,
        error_messages={
            "min_value": "Let at least one person join.",
            "max_value": f"One room holds at most {MAX_CAPACITY} people.",
            "invalid": "Type a whole number of people.",
        },
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REMOVE and not data.get("participant"):
            raise forms.ValidationError("Choose the person to remove.")
        if data.get("action") == self.CAPACITY and data.get("capacity") is None:
            self.add_error("capacity", "Type how many people may join.")
        return data
