"""Dues pages, included by the project under `dues/` (names `dues:...`)."""

from django.urls import path

from rankfile.dues import views, views_treasury

app_name = "dues"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("members/<int:member_id>/", views.member_dues, name="member"),
    path("members/<int:member_id>/payments/", views.record_payment, name="record_payment"),
    path("members/<int:member_id>/plan/", views.set_plan, name="set_plan"),
    path("members/<int:member_id>/checkoff/", views.authorize_checkoff, name="authorize_checkoff"),
    path("members/<int:member_id>/waivers/", views.request_waiver_for, name="request_waiver_for"),
    path("payments/<int:payment_id>/reverse/", views.reverse_payment, name="reverse_payment"),
    path("checkoffs/<int:checkoff_id>/end/", views.end_checkoff, name="end_checkoff"),
    path("waivers/<int:waiver_id>/decide/", views.decide_waiver, name="decide_waiver"),
    path("plans/", views_treasury.plans, name="plans"),
    path("plans/new/", views_treasury.create_plan, name="create_plan"),
    path("plans/how-to-pay/", views_treasury.set_instructions, name="set_instructions"),
    path("waivers/", views_treasury.waiver_queue, name="waivers"),
    path("import/", views.import_file, name="import"),
    path("import/<int:staged_id>/apply/", views.apply_import, name="apply_import"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path(
        "exceptions/<int:exception_id>/resolve/", views.resolve_exception, name="resolve_exception"
    ),
]
