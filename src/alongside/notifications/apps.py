from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "alongside.notifications"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import navigation_register

        navigation_register(90, "Notifications", "notifications:list", policy.EVERYONE)
