"""Django's /accounts/ pages (password reset and set-password), behind lock-outs."""

from django.urls import include, path

from articles.security import lockout

urlpatterns = [
    path(
        "password_reset/",
        lockout.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "reset/<uidb64>/<token>/",
        lockout.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("", include("django.contrib.auth.urls")),
]
