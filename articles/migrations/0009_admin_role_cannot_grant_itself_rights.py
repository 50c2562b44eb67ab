from django.db import migrations

# The Admin role manages people, not articles or what roles may do: with group
# rights an admin could give the Admin role publishing, and article viewing
# showed them an article list they can do nothing with.
TAKEN_FROM_ADMIN = {
    "auth": ["add_group", "change_group", "view_group"],
    "articles": ["view_article"],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in TAKEN_FROM_ADMIN.items():
        yield from Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )


def narrow_admin_role(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Admin").first()
    if group:
        group.permissions.remove(*_permissions(apps))


def widen_admin_role(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Admin").first()
    if group:
        group.permissions.add(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_per_use_captions_and_pending_content")]

    operations = [migrations.RunPython(narrow_admin_role, widen_admin_role)]
