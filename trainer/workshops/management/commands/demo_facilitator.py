from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from trainer.accounts.roles import make_facilitator

USERNAME = "facilitator"
PASSWORD = "golden-hour-demo"


class Command(BaseCommand):
    help = "Create the demo facilitator account for a laptop (refused when DEBUG is off)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("the demo account has a published password; DEBUG must be on")
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=USERNAME)
        # Always the published password on a laptop (room mode gives it a secret one).
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save()
        make_facilitator(user)
        port = os.environ.get("PORT", "8000")
        self.stdout.write(
            f"Demo facilitator: log in at http://127.0.0.1:{port}/accounts/login/ "
            f"as {USERNAME!r} with password {PASSWORD!r}."
        )
