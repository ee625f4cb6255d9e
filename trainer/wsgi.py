"""WSGI entry point: ``gunicorn trainer.wsgi`` serves the app."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")
application = get_wsgi_application()

# Import every view now (through the URLconf) instead of during the first request, then
# move everything loaded so far out of the garbage collector's sight: these objects live as
# long as the process, and without this each full collection walks all of them again, a
# cost every request pays a share of (about a sixth of an answer's time, measured).
get_resolver().url_patterns  # noqa: B018  (the import is the point)
gc.freeze()
