from django.urls import path

from rankfile.conventions import views, views_elections

urlpatterns = [
    path("", views.conventions, name="conventions"),
    path("new/", views.convention_form, name="convention_new"),
    path("<slug:slug>/", views.convention_page, name="convention"),
    path("<slug:slug>/edit/", views.convention_form, name="convention_edit"),
    path("<slug:slug>/apportionment/", views.apportionment, name="convention_apportionment"),
    path(
        "<slug:slug>/apportionment.csv",
        views.apportionment_csv,
        name="convention_apportionment_csv",
    ),
    path(
        "<slug:slug>/apportionment.json",
        views.apportionment_json,
        name="convention_apportionment_json",
    ),
    path("<slug:slug>/apportionment/compute/", views.compute, name="convention_compute"),
    path(
        "<slug:slug>/apportionment/<int:number>/publish/",
        views.publish,
        name="convention_publish",
    ),
    path("<slug:slug>/credentials/", views_elections.credentials, name="convention_credentials"),
    path(
        "<slug:slug>/credentials/<int:credential_id>/seat-alternate/",
        views_elections.seat_alternate,
        name="convention_seat_alternate",
    ),
    path(
        "<slug:slug>/credentials/<int:credential_id>/return/",
        views_elections.return_to_seat,
        name="convention_return_to_seat",
    ),
    path(
        "<slug:slug>/elections/<slug:branch_slug>/",
        views_elections.election_page,
        name="convention_election",
    ),
    path(
        "<slug:slug>/elections/<slug:branch_slug>/stand/",
        views_elections.stand,
        name="convention_stand",
    ),
    path(
        "<slug:slug>/elections/<slug:branch_slug>/candidates/<int:candidate_id>/withdraw/",
        views_elections.withdraw,
        name="convention_withdraw",
    ),
    path(
        "<slug:slug>/elections/<slug:branch_slug>/result/",
        views_elections.record_result,
        name="convention_record_result",
    ),
]
