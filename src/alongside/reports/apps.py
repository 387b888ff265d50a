from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alongside.reports"
    label = "reports"
    verbose_name = "Reports and exports"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import navigation_register
        from alongside.accounts.home import HomePanel, register
        from alongside.reports import home

        navigation_register(60, "Reports", "reports:index", policy.RULES["report.view"])
        # Analysts sign in to this: the dashboard, fidelity and research export of their services.
        register(
            HomePanel(
                role=policy.ANALYST,
                template="reports/home/_analyst.html",
                order=1,
                context=home.analyst_panel,
            )
        )
