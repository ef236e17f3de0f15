from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from rankfile.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("account/two-factor/", views.two_factor_page, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(
            template_name="registration/form_page.html",
            email_template_name="registration/password_reset_email.txt",
            success_url=reverse_lazy("password_reset_done"),
            extra_context={
                "heading": "Reset your password",
                "intro": "We will email you a link to choose a new password.",
                "button": "Send the link",
            },
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/message_page.html",
            extra_context={
                "heading": "Check your email",
                "text": "If an account uses that address, a link to reset its password is on its way.",
            },
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="registration/form_page.html",
            success_url=reverse_lazy("account"),
            extra_context={"heading": "Change your password", "button": "Change password"},
        ),
        name="password_change",
    ),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
]
