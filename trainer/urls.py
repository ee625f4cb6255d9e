from django.contrib import admin
from django.urls import include, path

from trainer import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("scenarios.urls")),
    path("", include("trainer.accounts.urls")),
    path("", include("trainer.play.urls")),
    path("", include("trainer.workshops.urls")),
    path("", include("trainer.progress.urls")),
]
