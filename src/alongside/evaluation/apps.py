from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "alongside.evaluation"
    label = "evaluation"
    verbose_name = "Service evaluation"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.evaluation import home

        NAVIGATION.register(
            NavLink(60, "Evaluation", "evaluation:studies", policy.RULES["evaluation.view"])
        )
        PANELS.register(
            HomePanel(
                role=policy.ANALYST,
                template="evaluation/home/_studies.html",
                order=20,
                context=home.analyst_panel,
            )
        )
