from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "alongside.privacy"
    verbose_name = "Privacy: subject access, retention, erasure, access review"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.privacy import checks, services  # noqa: F401  (checks registers)
        from alongside.privacy.registry import RETENTION_SOURCES, RetentionSource

        RETENTION_SOURCES.register(RetentionSource("patients", services.patients_past_retention))
        RETENTION_SOURCES.register(RetentionSource("mentors", services.mentors_past_retention))
        PANELS.register(HomePanel(role=policy.ADMIN, template="privacy/home/_admin.html", order=90))
