from django.urls import path

from rankfile.appeals import views

urlpatterns = [
    path("", views.my_appeals, name="my_appeals"),
    path("docket/", views.docket, name="appeals_docket"),
    path("new/<str:subject>/<int:pk>/", views.file_appeal, name="appeal_file"),
    path("<int:appeal_id>/", views.appeal_page, name="appeal"),
    path("<int:appeal_id>/respond/", views.respond, name="appeal_respond"),
    path("<int:appeal_id>/hearing/", views.schedule_hearing, name="appeal_hearing"),
    path("<int:appeal_id>/accept-late/", views.accept_late, name="appeal_accept_late"),
    path("<int:appeal_id>/decide/", views.decide, name="appeal_decide"),
    path("clauses/", views.clauses, name="clauses"),
    path("charges/new/<int:member_id>/", views.bring_charges, name="charge_new"),
    path("charges/<int:charge_id>/", views.charge_page, name="charge"),
    path("charges/<int:charge_id>/answer/", views.answer_charges, name="charge_answer"),
    path("charges/<int:charge_id>/hearing/", views.schedule_charge_hearing, name="charge_hearing"),
    path("charges/<int:charge_id>/decide/", views.decide_charges, name="charge_decide"),
]
