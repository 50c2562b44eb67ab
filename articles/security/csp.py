"""The Content-Security-Policy (django-csp), plus what the admin's editor needs.

Public pages get the policy in settings as it is: no inline script, style or eval.
In the admin, the rich-text editor (django-prose-editor, Tiptap) needs three
things, each allowed as narrowly as browsers permit:
- its import map, which browsers only accept inline: allowed by its SHA-256 hash,
  computed from the map itself, never "unsafe-inline" for scripts;
- the base styles Tiptap injects as a <style> element: allowed by their hash;
- style attributes ProseMirror sets while editing: style-src-attr only (a style
  attribute cannot run script).
Hashes, not nonces, so that a cached page stays valid.
"""

import base64
import hashlib
from functools import lru_cache

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.urls import reverse


@lru_cache
def editor_script_hashes() -> tuple[str, ...]:
    from articles.body import editor_widget

    hashes = []
    for element in editor_widget().media.render_importmap():
        element = str(element)
        content = element[element.index(">") + 1 : element.rindex("</script>")]
        digest = hashlib.sha256(content.encode()).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return tuple(hashes)


# Tiptap's injected base styles in django-prose-editor 0.28. If an upgrade changes
# them, the browser tests fail with Chromium's message naming the new hash.
TIPTAP_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


@lru_cache
def admin_prefix() -> str:
    return reverse("admin:index")


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(admin_prefix()):
            update = dict(parts.update or {})
            update["script-src"] = [
                *update.get("script-src", ()),
                *editor_script_hashes(),
            ]
            update["style-src-elem"] = [SELF, TIPTAP_STYLE_HASH]
            update["style-src-attr"] = [UNSAFE_INLINE]
            parts.update = update
        return parts
