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
        PANELS.register(
            HomePanel(
                role=policy.THERAPIST,
                template="mentors/home/_staff.html",
                order=20,
                context=home.staff_panel,
            )
        )
        PANELS.register(
            HomePanel(
                role=policy.ADMIN,
                template="mentors/home/_staff.html",
                order=20,
                context=home.admin_panel,
            )
        )
        PANELS.register(
            HomePanel(
                role=policy.MENTOR,
                template="mentors/home/_mentor.html",
                order=20,
                context=home.mentor_panel,
            )
        )
