"""Webhooks in the admin: registered URLs, their delivery log, a test button."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from articles.models import Webhook, WebhookDelivery, WebhookEvent
from articles.webhooks import delivery as deliveries
from articles.webhooks.outgoing import describe


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        max_length=500,
        assume_scheme="https",
        help_text="Receives a signed POST for each chosen event.",
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The events this URL receives.",
    )

    class Meta:
        model = Webhook
        fields = ["name", "url", "events", "is_active"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ["name", "url", "is_active", "event_list", "log_link"]
    readonly_fields = ["secret", "created_at", "log_link"]
    fields = ["name", "url", "events", "is_active", "secret", "log_link"]

    def get_urls(self):
        send_test = self.admin_site.admin_view(require_POST(self.send_test_view))
        return [
            path("<int:pk>/test/", send_test, name="articles_webhook_test"),
            *super().get_urls(),
        ]

    @admin.display(description="Events")
    def event_list(self, webhook):
        return ", ".join(webhook.events)

    @admin.display(description="Delivery log")
    def log_link(self, webhook):
        if not webhook.pk:
            return "—"
        url = reverse("admin:articles_webhookdelivery_changelist")
        count = webhook.deliveries.count()
        return format_html(
            '<a href="{}?webhook__id__exact={}">{} deliveries</a>',
            url,
            webhook.pk,
            count,
        )

    def send_test_view(self, request, pk):
        webhook = get_object_or_404(Webhook, pk=pk)
        if not self.has_change_permission(request, webhook):
            raise PermissionDenied
        delivery = deliveries.queue_test(webhook)
        # Sent in the request, so the admin sees at once whether the URL works.
        deliveries.attempt(delivery)
        delivery.refresh_from_db()
        if delivery.status == WebhookDelivery.Status.DELIVERED:
            messages.success(
                request, f"Test event delivered (HTTP {delivery.response_status})."
            )
        else:
            messages.error(
                request,
                f"Test event not delivered: {describe(delivery.log[-1])}. It will be "
                "retried; see the delivery log.",
            )
        return redirect("admin:articles_webhook_change", webhook.pk)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "webhook",
        "event",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", "webhook"]
    list_select_related = ["webhook"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = [
        "webhook",
        "uid",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "attempt_log",
        "body",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Attempts")
    def attempt_log(self, delivery):
        if not delivery.log:
            return "—"
        # Only the status and a fixed message: what a receiver answered, and how
        # long a failed connection took, could tell internal services apart.
        rows = format_html_join(
            "",
            "<li>{} — {}{}</li>",
            (
                (
                    entry["at"],
                    describe(entry),
                    f" ({entry['ms']} ms)" if entry.get("status") else "",
                )
                for entry in delivery.log
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    @admin.action(description="Retry selected deliveries now", permissions=["retry"])
    def retry_now(self, request, queryset):
        due = list(queryset.exclude(status=WebhookDelivery.Status.DELIVERED))
        now = timezone.now()
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in due]).update(
            status=WebhookDelivery.Status.PENDING, next_attempt_at=now
        )
        sent = deliveries.send_due(now=now, ids=[d.pk for d in due])
        self.message_user(request, f"{sent} deliveries attempted again.")

    def has_retry_permission(self, request):
        return request.user.has_perm("articles.change_webhook")
