from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

EMAIL_HELP = "Optional. Only used to send you a link if you forget your password."


class SignupForm(UserCreationForm):
    """Username and password, checked by the project's password validators, and an
    optional email address for resetting a forgotten password."""

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
        help_texts = {
            "username": "Letters, digits and the signs @ . + - and _ (underscore) only; "
            "up to 150 characters.",
            "email": EMAIL_HELP,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["password2"].widget.attrs["autocomplete"] = "new-password"
        self.fields["email"].required = False
        self.fields["email"].label = "Email (optional)"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_username(self) -> str:
        username = super().clean_username()  # None when Django found the name taken
        # Latin letters only: "facA" spelt with a Cyrillic a would pass for "facA" in a list.
        if username and not username.isascii():
            raise forms.ValidationError(
                "Use Latin letters (a-z), digits and the signs @ . + - _ only, so that no "
                "two names look alike."
            )
        return username


class EmailForm(forms.ModelForm):
    """The account's email address, for password resets; empty removes it."""

    class Meta:
        model = get_user_model()
        fields = ("email",)
        labels = {"email": "Email"}
        help_texts = {"email": EMAIL_HELP + " Leave it empty to remove it."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
