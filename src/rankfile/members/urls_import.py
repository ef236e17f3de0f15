# Placeholder until the import/export views land.
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("import/", RedirectView.as_view(url="/members/"), name="member_import"),
    path("export.csv", RedirectView.as_view(url="/members/"), name="member_export"),
]
