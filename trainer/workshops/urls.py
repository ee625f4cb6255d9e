from django.urls import path

from trainer.workshops import views

app_name = "workshops"
urlpatterns = [
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/new/", views.workshop_new, name="new"),
    path("workshops/<int:pk>/", views.control, name="control"),
    path("workshops/<int:pk>/present/", views.present, name="present"),
    path("workshops/<int:pk>/again/", views.run_again, name="again"),
    path("workshops/<int:pk>/results/", views.results, name="results"),
    path("workshops/<int:pk>/people/", views.people, name="people"),
    path("workshops/<int:pk>/export.csv", views.export_csv, name="export"),
    path("room/<str:key>/", views.participant, name="participant"),
    path("workshops/debrief/<str:token>/", views.participant_debrief, name="debrief"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_code, name="join_code"),
]
