"""What staff may do to the newsroom's machinery and to each other: the task
queue dashboard, deactivating and reactivating."""

import pytest
from django.urls import reverse

from tests.factories import make_role_user, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["Writer", "Editor", "Admin"])
def test_only_superusers_reach_the_task_queue_dashboard(client, role):
    client.force_login(make_role_user(role))
    pages = [
        reverse("admin:django_rq_dashboard_changelist"),
        reverse("admin:django_rq_home"),
        reverse("admin:django_rq_jobs", args=[0]),
        reverse("admin:django_rq_failed_jobs", args=[0]),
        reverse("admin:django_rq_home_json"),
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
    # Emptying the queue would drop renditions and scheduled publishes.
    emptied = client.post(reverse("admin:django_rq_clear", args=[0]))
    assert emptied.status_code == 403
    assert "django_rq" not in client.get(reverse("admin:index")).content.decode()

    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert "django_rq" in client.get(reverse("admin:index")).content.decode()


def test_visitors_meet_the_login_at_the_task_queue_dashboard(client):
    response = client.get(reverse("admin:django_rq_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
