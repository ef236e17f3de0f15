from django.urls import path

from rankfile.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
