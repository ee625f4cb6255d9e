from django.urls import path

from scenarios import views

app_name = "scenarios"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("scenarios/<slug:slug>/", views.detail, name="detail"),
]
