from django.contrib.auth.management import create_permissions
from django.db import migrations

# Admins see and clear lock-outs and set each role's security policy.
ADMIN_PERMISSIONS = {
    "axes": [
        "view_accessattempt", "delete_accessattempt",
        "view_accesslog", "view_accessfailurelog",
    ],
    "security": ["add_rolepolicy", "change_rolepolicy", "view_rolepolicy"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the role needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admins = Group.objects.filter(name="Admin").first()
    if admins is None:
        return
    for app_label, codenames in ADMIN_PERMISSIONS.items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise RuntimeError(f"Permissions not found in {app_label}: {codenames}")
        admins.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admins = Group.objects.filter(name="Admin").first()
    if admins is not None:
        for app_label, codenames in ADMIN_PERMISSIONS.items():
            admins.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_sessions_and_role_policy"),
        ("articles", "0004_roles"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
