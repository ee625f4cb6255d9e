"""Room mode: serve a workshop from a laptop to the phones in the room.

``make room`` runs this after the same set-up as ``make run``. It finds the address the
laptop has on the room's network, then starts gunicorn on every interface with production
settings: ``DEBUG`` off (so a mistyped address gets a plain "not found", never Django's
technical page), static files served by whitenoise, that address allowed, and every join
link and QR code pointing at it. Plain HTTP, as on any local network: no TLS redirect,
no HSTS.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from trainer.workshops.management.commands.demo_facilitator import USERNAME

# Connecting a UDP socket sends nothing: it only asks the kernel which interface would
# carry traffic towards an outside address, and so which address this machine has there.
# The address is from TEST-NET-2 (RFC 5737), reserved for documentation.
_PROBE = ("198.51.100.1", 9)


def network_address() -> str | None:
    """This machine's address on its network (IPv4), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(_PROBE)
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class Command(BaseCommand):
    help = (
        "Serve on this machine's network address for a workshop room, with production "
        "settings, so the phones in the room can join."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST", ""),
            help="the address phones use (default: this machine's network address)",
        )
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
        parser.add_argument("--workers", type=int, default=3)

    def handle(self, *args, host: str, port: int, workers: int, **options) -> None:
        host = host.strip() or network_address()
        if not host:
            raise CommandError(
                "could not find this machine's address on a network; connect to the room's "
                "Wi-Fi, or name the address: HOST=192.168.1.20 make room"
            )
        site_url = f"http://{host}" + ("" if port == 80 else f":{port}")
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or settings.SECRET_KEY,
            "ALLOWED_HOSTS": f"{host},127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": site_url,
            "SITE_URL": site_url,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
            "SECURE_HSTS_PRELOAD": "0",
        }
        python = sys.executable
        collected = subprocess.run(
            [python, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=env,
        )
        if collected.returncode:
            raise CommandError("collecting the static files failed (see above)")
        self.close_demo_password()
        self.stdout.write(
            f"\nRoom mode: serving on {site_url}/ with production settings (Ctrl-C stops it).\n"
            f"  Phones join at {site_url}/join/ or by the QR code on the presenter screen.\n"
            f"  Run the workshop from this laptop at {site_url}/workshops/ or "
            f"http://127.0.0.1:{port}/workshops/.\n"
            "  If phones cannot open the address, the network keeps its devices apart\n"
            "  (guest Wi-Fi often does): use a phone's hotspot or a travel router instead.\n"
        )
        sys.stdout.flush()
        os.execvpe(
            python,
            [
                python, "-m", "gunicorn", "trainer.wsgi:application",
                "--bind", f"0.0.0.0:{port}",
                "--workers", str(workers),
                "--timeout", "30",
                "--access-logfile", "-",
            ],
            env,
        )  # fmt: skip

    def close_demo_password(self) -> None:
        """The demo facilitator's password is published; the room's network must not have it.
        Give it a new one for this run and print it here, on the laptop only."""
        user = get_user_model().objects.filter(username=USERNAME).first()
        if user is None:
            return
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save(update_fields=["password"])
        self.stdout.write(
            f"The demo facilitator {USERNAME!r} has a new password for room mode: {password}\n"
            "(make run gives it back its published one)."
        )
