from django.apps import AppConfig
from django.db.models.signals import post_delete


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = "Newsroom"

    def ready(self):
        from articles.images import delete_photo_files
        from articles.models import Photo

        post_delete.connect(
            lambda sender, instance, **kwargs: delete_photo_files(instance),
            sender=Photo,
            weak=False,
            dispatch_uid="articles.photo_files",
        )
