"""Routes of the instructor area (/instructor/) and the student's lab (/lab/)."""

from django.urls import path

from services.classrooms import student_views, views

app_name = "classrooms"

urlpatterns = [
    path("instructor/signin", views.signin, name="signin"),
    path("instructor/signout", views.signout, name="signout"),
    path("instructor/", views.home, name="home"),
    path("instructor/classrooms/<int:pk>/", views.classroom, name="classroom"),
    path("instructor/classrooms/<int:pk>/grid/", views.grid, name="grid"),
    path("instructor/classrooms/<int:pk>/students/", views.add_student, name="add-student"),
    path("instructor/classrooms/<int:pk>/roster/", views.add_roster, name="add-roster"),
    path("instructor/classrooms/<int:pk>/limits/", views.limits, name="limits"),
    path("instructor/classrooms/<int:pk>/lab/", views.assign_lab, name="assign-lab"),
    path("instructor/classrooms/<int:pk>/reset/", views.reset_all, name="reset-all"),
    path("instructor/classrooms/<int:pk>/delete/", views.delete, name="delete"),
    path("instructor/classrooms/<int:pk>/credentials/", views.credentials, name="credentials"),
    path("instructor/classrooms/<int:pk>/results.csv", views.results_csv, name="results-csv"),
    path(
        "instructor/classrooms/<int:pk>/students/<int:student>/",
        views.sandbox,
        name="sandbox",
    ),
    path(
        "instructor/classrooms/<int:pk>/students/<int:student>/<str:action>/",
        views.student_action,
        name="student-action",
    ),
    path("lab/", student_views.lab_page, name="lab"),
    path("lab/panel/", student_views.lab_panel, name="lab-panel"),
]
