from django.contrib.auth.management import create_permissions
from django.db import migrations

# The checklist every site starts with: today's photo rules, plus length,
# section, tag, photo width and link rules. Admins change them in the admin.
RULES = [
    ("headline_length", "The headline has at most {limit} characters.", True, 110),
    ("standfirst_length", "There is a standfirst of at most {limit} characters.", True, 300),
    ("section", "The article is in a section.", True, None),
    ("tags", "The article has at least {limit} tags.", True, 1),
    ("hero_photo", "The article has a hero photo.", False, None),
    ("photo_alt_text", "The hero photo and every photo in the body have alt text.", True, None),
    ("photo_credit", "The hero photo and every photo in the body have a credit.", True, None),
    ("photo_licence", "No photo's licence has ended.", True, None),
    ("hero_width", "The hero photo is at least {limit} pixels wide.", True, 640),
    ("internal_links", "Every link to this site in the body leads to a live page.", True, None),
]

ROLE_PERMISSIONS = {
    "Editor": ["view_checklistrule", "view_sectionrule", "view_correction"],
    "Admin": [
        "view_checklistrule", "change_checklistrule",
        "view_sectionrule", "add_sectionrule", "change_sectionrule", "delete_sectionrule",
    ],
}


def create_rules(apps, schema_editor):
    ChecklistRule = apps.get_model("articles", "ChecklistRule")
    for position, (code, description, enabled, limit) in enumerate(RULES):
        ChecklistRule.objects.update_or_create(
            code=code,
            defaults={
                "description": description,
                "enabled": enabled,
                "limit": limit,
                "position": position,
            },
        )
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="articles", codename__in=codenames
                )
            )


def remove_rules(apps, schema_editor):
    apps.get_model("articles", "ChecklistRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_editorial_integrity")]

    operations = [migrations.RunPython(create_rules, remove_rules)]
