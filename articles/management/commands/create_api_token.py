"""Issue an API token for a user from the command line (as an admin does in the
admin's API tokens page)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.models import ApiToken


class Command(BaseCommand):
    help = (
        "Issue a write-API token acting as USERNAME, with that user's roles, and "
        "print it (it is stored hashed and never shown again). Revoke it in the "
        "admin under API tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What will use the token.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user called “{username}”.")
        self.stdout.write(ApiToken.issue(user, name=name)[1])
