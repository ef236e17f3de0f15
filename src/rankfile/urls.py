from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("dues/", include("rankfile.dues.urls")),
    path("", include("rankfile.web.urls")),
]
