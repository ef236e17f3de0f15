from django.urls import include, path

from rankfile.audit import views as audit_views
from rankfile.members import views as member_views
from rankfile.members import views_offices, views_organization
from rankfile.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("account/", views.account, name="account"),
    path("account/resign/", views.resign, name="resign"),
    path("members/", member_views.directory, name="directory"),
    path("members/", include("rankfile.members.urls_import")),
    path("members/<int:member_id>/", member_views.member_page, name="member"),
    path("members/<int:member_id>/record/", member_views.record_event, name="member_record_event"),
    path("members/<int:member_id>/contact/", member_views.update_contact, name="member_update"),
    path("members/<int:member_id>/invite/", member_views.invite, name="member_invite"),
    path("branches/", member_views.branches, name="branches"),
    path("branches/<slug:slug>/", member_views.branch_page, name="branch"),
    path("offices/", views_offices.offices, name="offices"),
    path("offices/<int:office_id>/end/", views_offices.end_office, name="office_end"),
    path("organization/", views_organization.organization, name="organization"),
    path("record/", audit_views.audit_log, name="audit_log"),
    path("conventions/", include("rankfile.conventions.urls")),
    path("standing/", include("rankfile.standing.urls")),
    path("appeals/", include("rankfile.appeals.urls")),
    path("", include("rankfile.accounts.urls")),
]
