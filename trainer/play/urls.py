from django.urls import path

from trainer.play import views

app_name = "play"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("scenarios/<slug:slug>/", views.scenario, name="scenario"),
    path("scenarios/<slug:slug>/start/", views.start, name="start"),
    path("scenarios/<slug:slug>/guide/", views.guide, name="guide"),
    path("scenarios/<slug:slug>/guide/print/", views.guide_print, name="guide-print"),
    path("model/", views.model, name="model"),
    path("play/<uuid:attempt_id>/", views.play, name="play"),
    path("play/<uuid:attempt_id>/choices/", views.choices, name="choices"),
    path("play/<uuid:attempt_id>/answer/", views.answer, name="answer"),
    path("play/<uuid:attempt_id>/continue/", views.proceed, name="continue"),
    path("play/<uuid:attempt_id>/debrief/", views.debrief, name="debrief"),
    path("play/<uuid:attempt_id>/debrief/print/", views.debrief_print, name="debrief-print"),
]
