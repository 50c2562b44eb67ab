"""The set-password pages under /accounts/, for active users only."""

from django.contrib.auth import views as auth_views


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view also honours links of deactivated users; a deactivated
    colleague's old invitation must not let them back in."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None
