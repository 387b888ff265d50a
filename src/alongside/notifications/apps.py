from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "alongside.notifications"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink

        NAVIGATION.register(NavLink(90, "Notifications", "notifications:list", policy.EVERYONE))
