"""Photo originals move out of MEDIA_ROOT; one photo per picture fingerprint."""

from django.core.files.storage import storages
from django.db import migrations, models
from django.db.models import Count
from tqdm import tqdm

import articles.models.photos
import articles.photos.originals


def _move(names, source, target):
    for name in tqdm(names, desc="Moving photo originals", unit="file", disable=None):
        if not source.exists(name) or target.exists(name):
            continue
        with source.open(name, "rb") as handle:
            target.save(name, handle)
        source.delete(name)


def originals_out_of_media(apps, schema_editor):
    """Readers must not reach an original at its /media/ address."""
    Photo = apps.get_model("articles", "Photo")
    names = list(Photo.objects.exclude(image="").values_list("image", flat=True))
    _move(names, storages["default"], storages["photo_originals"])


def originals_back_into_media(apps, schema_editor):
    Photo = apps.get_model("articles", "Photo")
    names = list(Photo.objects.exclude(image="").values_list("image", flat=True))
    _move(names, storages["photo_originals"], storages["default"])


def refuse_duplicate_pictures(apps, schema_editor):
    """Name the photos that hold the same picture, so an editor can merge them."""
    Photo = apps.get_model("articles", "Photo")
    duplicates = (
        Photo.objects.exclude(sha256="")
        .values("sha256")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
    )
    groups = [
        sorted(Photo.objects.filter(sha256=row["sha256"]).values_list("pk", flat=True))
        for row in duplicates
    ]
    if groups:
        listed = "; ".join(", ".join(f"#{pk}" for pk in group) for group in groups)
        raise RuntimeError(
            "These photos hold the same picture: " + listed + ". Keep one of each "
            "group (set it on the articles that use the others, then delete those) "
            "and run migrate again."
        )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0011_publishing_checklist"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicate_pictures, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="photo",
            name="image",
            field=models.ImageField(
                height_field="height",
                storage=articles.photos.originals.original_storage,
                upload_to=articles.models.photos.photo_upload_to,
                width_field="width",
            ),
        ),
        migrations.RunPython(originals_out_of_media, originals_back_into_media),
        migrations.AddConstraint(
            model_name="photo",
            constraint=models.UniqueConstraint(
                condition=models.Q(("sha256", ""), _negated=True),
                fields=("sha256",),
                name="unique_photo_sha256",
            ),
        ),
    ]
