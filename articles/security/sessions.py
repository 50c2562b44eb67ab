"""Database sessions that carry their user (Django's documented extension point)."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from articles.security.models import UserSession

        return UserSession

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            instance.user_id = None
        return instance


def end_sessions(user) -> int:
    """Log the user out everywhere: every browser and device. Returns how many."""
    from articles.security.models import UserSession

    deleted, _ = UserSession.objects.filter(user=user).delete()
    return deleted
