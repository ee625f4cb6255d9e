from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic.base import RedirectView

from trainer import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Staff log in where everyone does, behind the same throttle and the same pauses; the
    # admin's own form would be a second door with neither.
    path(
        "admin/login/",
        RedirectView.as_view(url=reverse_lazy("login"), query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
    path("", include("trainer.accounts.urls")),
    path("", include("trainer.play.urls")),
    path("", include("trainer.workshops.urls")),
    path("", include("trainer.progress.urls")),
]
