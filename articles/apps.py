from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from articles.roles import sync_staff_flag

        m2m_changed.connect(
            sync_staff_flag,
            sender=get_user_model().groups.through,
            dispatch_uid="articles.sync_staff_flag",
        )
