from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alongside.reports"
    label = "reports"
    verbose_name = "Reports and exports"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.reports import dashboard_cache, home

        dashboard_cache.connect()

        NAVIGATION.register(NavLink(60, "Reports", "reports:index", policy.RULES["report.view"]))
        # Analysts sign in to this: the dashboard, fidelity and research export of their services.
        PANELS.register(
            HomePanel(
                role=policy.ANALYST,
                template="reports/home/_analyst.html",
                order=1,
                context=home.analyst_panel,
            )
        )
