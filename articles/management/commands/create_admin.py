"""Create the first administrator login for a new site."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser named $NEWSROOM_ADMIN_USERNAME (default 'admin') with "
        "the password $NEWSROOM_ADMIN_PASSWORD, or a generated one that is printed. "
        "An existing login is left unchanged."
    )

    def handle(self, *args, **options):
        username = os.environ.get("NEWSROOM_ADMIN_USERNAME") or "admin"
        password = os.environ.get("NEWSROOM_ADMIN_PASSWORD") or ""
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Admin login '{username}' exists; its password is unchanged "
                f"(set a new one with: manage.py changepassword {username})."
            )
            return
        generated = not password
        password = password or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        shown = password if generated else "(from NEWSROOM_ADMIN_PASSWORD)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created admin login: user '{username}', password {shown}"
            )
        )
