from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Writer": {
        "articles": [
            "add_article", "change_article", "delete_article", "view_article",
            "add_byline", "change_byline", "delete_byline", "view_byline",
            "add_relatedlink", "change_relatedlink", "delete_relatedlink",
            "view_relatedlink", "view_section", "view_author",
            "add_photo", "change_photo", "view_photo",
            "add_photocredit", "view_photocredit",
        ],
        "taggit": ["add_tag", "view_tag", "add_taggeditem", "change_taggeditem",
                   "delete_taggeditem", "view_taggeditem"],
    },
    "Editor": {
        "articles": [
            "add_article", "change_article", "delete_article", "view_article",
            "publish_article", "edit_any_article",
            "add_byline", "change_byline", "delete_byline", "view_byline",
            "add_relatedlink", "change_relatedlink", "delete_relatedlink",
            "view_relatedlink", "view_section",
            "add_author", "change_author", "view_author",
            "add_photo", "change_photo", "delete_photo", "view_photo",
            "add_photocredit", "change_photocredit", "delete_photocredit",
            "view_photocredit", "view_articleevent", "view_articleredirect",
            "delete_articleredirect",
        ],
        "taggit": ["add_tag", "change_tag", "delete_tag", "view_tag", "add_taggeditem",
                   "change_taggeditem", "delete_taggeditem", "view_taggeditem"],
    },
    "Admin": {
        "auth": ["add_user", "change_user", "view_user", "add_group", "change_group",
                 "view_group"],
        "articles": ["add_section", "change_section", "delete_section", "view_section",
                     "add_author", "change_author", "view_author", "view_article"],
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, by_app in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in by_app.items():
            permissions = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Permissions not found for {role}: {missing}")
            group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
