from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from django.contrib.auth import get_user_model

        from articles.background import listeners
        from articles.cache.generation import bump
        from articles.models import Photo
        from articles.photos.storage import delete_photo_files
        from articles.roles import sync_staff_flag
        from articles.signals import content_changed

        m2m_changed.connect(
            sync_staff_flag,
            sender=get_user_model().groups.through,
            dispatch_uid="articles.sync_staff_flag",
        )
        listeners.connect()
        post_delete.connect(
            lambda sender, instance, **kwargs: delete_photo_files(instance),
            sender=Photo,
            weak=False,
            dispatch_uid="articles.photo_files",
        )
        content_changed.connect(bump, dispatch_uid="articles.cache.bump")
