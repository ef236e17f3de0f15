"""Members import and export pages. Include under "members/":

    path("members/", include("rankfile.members.urls_import")),

which gives members/import/, members/import/<id>/, members/import/<id>/apply/ and
members/export.csv.
"""

from django.urls import path

from rankfile.members import views_import

urlpatterns = [
    path("import/", views_import.upload, name="member_import"),
    path("import/<int:pk>/", views_import.job_page, name="member_import_job"),
    path("import/<int:pk>/apply/", views_import.apply, name="member_import_apply"),
    path("export.csv", views_import.export, name="member_export"),
]
