"""The Managing editor role: an editor who may also take articles down and
reinstate them, so takedown no longer waits for a superuser's per-person grant."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "Managing editor"


def create_role(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    role, _ = Group.objects.get_or_create(name=ROLE)
    editor = Group.objects.filter(name="Editor").first()
    if editor is not None:
        role.permissions.add(*editor.permissions.all())
    role.permissions.add(
        Permission.objects.get(
            content_type__app_label="articles", codename="take_down_article"
        )
    )


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_where_photos_are_used")]

    operations = [migrations.RunPython(create_role, remove_role)]
