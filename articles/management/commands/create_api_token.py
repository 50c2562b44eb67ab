"""Issue an API token for a user from the command line (as a superuser may in
the admin's API tokens page)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.models import ApiToken
from articles.models.api_tokens import DEFAULT_LIFETIME, LONGEST_LIFETIME, Scope
from articles.security.api_tokens import allowed_scopes, scope_refusal


class Command(BaseCommand):
    help = (
        "Issue a write-API token acting as USERNAME and print it (it is stored "
        "hashed and never shown again). By default it has every scope the user's "
        f"role allows and expires in {DEFAULT_LIFETIME.days} days. Revoke it in "
        "the admin under API tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What will use the token.")
        parser.add_argument(
            "--scopes",
            help=(
                "Comma-separated, among: "
                + ", ".join(f"{scope.value} ({scope.label})" for scope in Scope)
                + ". Default: all the user's role allows."
            ),
        )
        parser.add_argument(
            "--expires-in-days",
            type=int,
            default=DEFAULT_LIFETIME.days,
            help=f"Days until it is refused, 1 to {LONGEST_LIFETIME.days} "
            f"(default {DEFAULT_LIFETIME.days}).",
        )

    def handle(self, *args, username, name, scopes, expires_in_days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user called “{username}”.")
        if scopes is None:
            chosen = allowed_scopes(user)
        else:
            chosen = [scope.strip() for scope in scopes.split(",") if scope.strip()]
            unknown = [scope for scope in chosen if scope not in Scope.values]
            if unknown:
                raise CommandError(
                    f"Unknown scope {', '.join(unknown)}: choose among "
                    f"{', '.join(Scope.values)}."
                )
        lifetime = timedelta(days=expires_in_days)
        refused = scope_refusal(user, chosen, lifetime)
        if refused:
            raise CommandError(refused)
        record, token = ApiToken.issue(
            user, name=name, scopes=chosen, lifetime=lifetime
        )
        self.stdout.write(token)  # alone on stdout, for scripts
        self.stderr.write(
            f"Scopes: {', '.join(record.scopes)}; expires "
            f"{record.expires_at:%Y-%m-%d %H:%M} UTC."
        )
