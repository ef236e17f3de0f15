from django.urls import path

from rankfile.voting import views

app_name = "voting"
urlpatterns = [
    path("", views.poll_list, name="list"),
    path("new/", views.new_poll, name="new"),
    path("receipt/", views.check_receipt, name="receipt"),
    path("<int:poll_id>/", views.poll_page, name="poll"),
    path("<int:poll_id>/ballot/", views.ballot, name="ballot"),
    path("<int:poll_id>/voted/", views.voted, name="voted"),
    path("<int:poll_id>/results/", views.results_page, name="results"),
    path("<int:poll_id>/export/<str:name>", views.export, name="export"),
    *(
        path(f"<int:poll_id>/{step}/", views.manage, {"step": step}, name=f"{step}")
        for step in ("open", "close", "counts")
    ),
]
