"""Django's /accounts/ pages (password reset and set-password), behind lock-outs.

The one login page is the admin's: /accounts/login/ (where Django's own views
send people) leads there, keeping where they were going.
"""

from django.urls import include, path
from django.views.generic import RedirectView

from articles.security import lockout

urlpatterns = [
    path(
        "login/",
        RedirectView.as_view(pattern_name="admin:login", query_string=True),
        name="login",
    ),
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
