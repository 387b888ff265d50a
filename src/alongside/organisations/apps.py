from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "alongside.organisations"
    verbose_name = "Services"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.home import PANELS, HomePanel

        def settings_panel(request):  # type: ignore[no-untyped-def]
            from alongside.organisations.selectors import services_visible_to

            return {
                "settings_services": list(services_visible_to(request.user, "service.configure"))
            }

        PANELS.register(
            HomePanel(
                role=policy.ADMIN,
                template="organisations/home/_settings.html",
                order=15,
                context=settings_panel,
            )
        )
