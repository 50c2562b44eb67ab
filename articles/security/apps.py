from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save


class SecurityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles.security"
    label = "security"
    verbose_name = "Security"

    def ready(self):
        from articles.security.access import on_user_saved

        post_save.connect(
            on_user_saved,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="security.end_access_of_inactive_users",
        )
