"""Delivery logs keep a status and a fixed message only: what receivers answered
(kept before in each failed attempt's error) is removed from existing logs."""

from django.db import migrations

FIXED = {
    "Refused: the address is not public",
    "Refused: the address carries a user name or password",
    "No answer (connection failed)",
}


def fixed_message(entry: dict) -> str:
    if entry.get("error") in FIXED or entry.get("ok"):
        return entry.get("error", "")
    if entry.get("status"):
        return f"HTTP {entry['status']}"
    return "No answer (connection failed)"


def remove_answers(apps, schema_editor):
    WebhookDelivery = apps.get_model("articles", "WebhookDelivery")
    for delivery in WebhookDelivery.objects.exclude(log=[]).iterator():
        log = [
            {
                **entry,
                "error": fixed_message(entry),
                "ms": entry.get("ms") if entry.get("status") else None,
            }
            for entry in delivery.log
        ]
        if log != delivery.log:
            delivery.log = log
            delivery.save(update_fields=["log"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_outbox_task")]

    operations = [migrations.RunPython(remove_answers, migrations.RunPython.noop)]
