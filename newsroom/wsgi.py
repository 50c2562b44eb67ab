import os

from django.core.wsgi import get_wsgi_application

from newsroom.security import refuse_to_serve_unsafely

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

# Before any request: with DEBUG off, an unsafe setting stops the server here.
refuse_to_serve_unsafely()
