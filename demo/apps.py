from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo site's content and the synthetic archive: `load_demo` and
    `seed_archive`. Nothing here runs unless one of them is called."""

    name = "demo"
    verbose_name = "Demo content"
