from django.contrib import admin

from alongside.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "kind", "delivery_status", "created_at")
    list_filter = ("kind", "delivery_status", "essential")
    readonly_fields = ("email_sent_at", "sms_sent_at", "attempts", "last_error")
