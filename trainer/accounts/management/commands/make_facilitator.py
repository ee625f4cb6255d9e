from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from trainer.accounts.roles import make_facilitator


class Command(BaseCommand):
    help = "Let an existing user run workshops and cohorts (adds them to the facilitator group)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(
                f"no user called {username!r}; they can sign up first, or use createsuperuser"
            ) from None
        make_facilitator(user)
        self.stdout.write(f"{username} is now a facilitator.")
