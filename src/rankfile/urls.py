from django.contrib import admin
from django.urls import include, path

from rankfile.accounts.views import admin_login
from rankfile.api.api import api

urlpatterns = [
    # The admin logs in through the site's own log-in (throttled, with two-factor codes).
    path("admin/login/", admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("dues/", include("rankfile.dues.urls")),
    path("polls/", include("rankfile.voting.urls")),
    path("", include("rankfile.web.urls")),
]
