"""Admin pages whose saves or deletions change what readers see."""

from articles.edge import keys as edge_keys
from articles.signals import announce_content_changed


class AnnouncesDeletions:
    """Deleting here sends `content_changed` once it commits, so that cached
    pages showing the deleted objects turn over."""

    def delete_model(self, request, obj):
        shown = edge_keys.for_object(obj)  # before its links are gone
        super().delete_model(request, obj)
        announce_content_changed(self.model, keys=shown)

    def delete_queryset(self, request, queryset):
        shown = set().union(*(edge_keys.for_object(obj) for obj in queryset))
        super().delete_queryset(request, queryset)
        announce_content_changed(self.model, keys=shown)


class AnnouncesContentChanges(AnnouncesDeletions):
    """Saving or deleting here sends `content_changed` (a section's name, a
    byline, a credit line, a tag or a redirect shows on readers' pages)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        announce_content_changed(self.model, keys=edge_keys.for_object(obj))
