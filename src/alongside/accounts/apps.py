from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "alongside.accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from alongside.accounts import signals  # noqa: F401
