from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "alongside.evaluation"
    label = "evaluation"
    verbose_name = "Service evaluation"

    def ready(self) -> None:
        from alongside.accounts import context_processors, policy
        from alongside.accounts import home as account_home
        from alongside.evaluation import home

        roles = policy.RULES["evaluation.view"]
        panel = account_home.HomePanel(
            role=policy.ANALYST,
            template="evaluation/home/_studies.html",
            order=20,
            context=home.analyst_panel,
        )
        # Navigation and home panels are registered through hooks (the older helper
        # functions remain for apps not yet moved over).
        nav_link = getattr(context_processors, "NavLink", None)
        if nav_link is not None:
            context_processors.NAVIGATION.register(
                nav_link(60, "Evaluation", "evaluation:studies", roles)
            )
        else:
            context_processors.navigation_register(60, "Evaluation", "evaluation:studies", roles)
        panels = account_home.PANELS
        if hasattr(panels, "register"):
            panels.register(panel)
        else:
            account_home.register(panel)
