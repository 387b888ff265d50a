from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "alongside.audit"
    verbose_name = "Audit trail"
