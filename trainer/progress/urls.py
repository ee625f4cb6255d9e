from django.urls import path

from trainer.progress import views

app_name = "progress"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/export/answers.csv", views.me_csv, name="me_csv"),
    path("me/export/data.json", views.me_json, name="me_json"),
    path("me/delete/", views.me_delete, name="me_delete"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/join/<str:token>/", views.join, name="join"),
    path("cohorts/lead/<str:token>/", views.lead, name="lead"),
    path("cohorts/<int:pk>/", views.cohort_dashboard, name="cohort"),
    path("cohorts/<int:pk>/invite/", views.cohort_invite, name="cohort_invite"),
    path("cohorts/<int:pk>/leads/", views.cohort_facilitator, name="cohort_facilitator"),
    path("cohorts/<int:pk>/workshops/", views.cohort_workshop, name="cohort_workshop"),
    path("cohorts/<int:pk>/export/answers.csv", views.cohort_csv, name="cohort_csv"),
    path("cohorts/<int:pk>/export/xapi.json", views.cohort_xapi, name="cohort_xapi"),
    path("cohorts/<int:pk>/members/<int:user_id>/", views.cohort_member, name="cohort_member"),
    path(
        "cohorts/<int:pk>/members/<int:user_id>/remove/",
        views.cohort_member_remove,
        name="cohort_member_remove",
    ),
]
