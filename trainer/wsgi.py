"""WSGI entry point: ``gunicorn trainer.wsgi`` serves the app."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")
application = get_wsgi_application()
