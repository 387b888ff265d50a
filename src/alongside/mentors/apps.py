from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "alongside.mentors"
    verbose_name = "Mentor programme"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.mentors import home, reminders
        from alongside.notifications.reminders import SWEEPS, ReminderSweep

        SWEEPS.register(
            ReminderSweep("training_recertification", reminders.training_recertification)
        )

        NAVIGATION.register(NavLink(20, "Mentors", "mentors:list", policy.RULES["mentor.view"]))
        NAVIGATION.register(
            NavLink(22, "My mentoring", "mentors:mine", policy.RULES["mentor.view_own"])
        )
        NAVIGATION.register(
            NavLink(24, "Expenses", "mentors:expenses", policy.RULES["mentor.expense_decide"])
        )
        for role, context in (
            (policy.THERAPIST, home.staff_panel),
            (policy.ADMIN, home.admin_panel),
        ):
            PANELS.register(HomePanel(role, "mentors/home/_staff.html", 20, context))
        PANELS.register(
            HomePanel(policy.MENTOR, "mentors/home/_mentor.html", 20, home.mentor_panel)
        )
