from django.urls import path

from rankfile.standing import views, views_rules

urlpatterns = [
    path("", views.my_standing, name="my_standing"),
    path("members/<int:member_id>/", views.member_standing, name="standing_member"),
    path(
        "members/<int:member_id>/enforcement/",
        views.record_enforcement,
        name="standing_record_enforcement",
    ),
    path("branches/<slug:slug>/", views.branch_standing, name="standing_branch"),
    path("rules/", views.rules_page, name="standing_rules"),
    path("rules/adopt/", views_rules.adopt_rules, name="standing_adopt_rules"),
    path("snapshots/", views.snapshots, name="standing_snapshots"),
    path("snapshots/<int:snapshot_id>/", views.snapshot_page, name="standing_snapshot"),
    path(
        "snapshots/<int:snapshot_id>/publish/",
        views.publish_snapshot,
        name="standing_snapshot_publish",
    ),
    path("notices/", views.arrears_notices, name="standing_notices"),
    path("equal-treatment/", views.equal_treatment, name="standing_equal_treatment"),
]
