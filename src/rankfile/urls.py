from django.contrib import admin
from django.urls import include, path

from rankfile.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("dues/", include("rankfile.dues.urls")),
    path("polls/", include("rankfile.voting.urls")),
    path("", include("rankfile.web.urls")),
]
