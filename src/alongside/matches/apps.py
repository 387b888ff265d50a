from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "alongside.matches"
    verbose_name = "Matching"

    def ready(self) -> None:
        from alongside.matches import selectors as summary_selectors
        from alongside.patients.selectors import CASE_SUMMARY_FACTS

        CASE_SUMMARY_FACTS.register(summary_selectors.case_summary_mentor)
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.matches import home, services
        from alongside.mentors import services as mentor_services
        from alongside.patients import services as patient_services
        from alongside.patients.views import MY_MENTOR_PANELS

        # A paused mentor's open matches are flagged inside the pause transaction;
        # a patient who stops sharing with mentors drops out of every proposal.
        mentor_services.ON_PAUSE.register(services.on_mentor_paused)
        patient_services.MENTOR_SHARING_WITHDRAWN.register(services.on_mentor_sharing_withdrawn)
        MY_MENTOR_PANELS.register(home.my_mentor_section)

        NAVIGATION.register(NavLink(30, "Matching", "matches:list", policy.RULES["match.manage"]))
        NAVIGATION.register(
            NavLink(31, "My mentees", "matches:mentees", policy.RULES["mentor.view_own"])
        )
        NAVIGATION.register(NavLink(31, "My mentor", "matches:mine", policy.RULES["patient.own"]))
        for role in (policy.THERAPIST, policy.ADMIN):
            PANELS.register(
                HomePanel(
                    role=role,
                    template="matches/home/_staff.html",
                    order=30,
                    context=home.staff_panel,
                )
            )
        PANELS.register(
            HomePanel(
                role=policy.MENTOR,
                template="matches/home/_mentor.html",
                order=10,
                context=home.mentor_panel,
            )
        )
        PANELS.register(
            HomePanel(
                role=policy.PATIENT,
                template="matches/home/_patient.html",
                order=20,
                context=home.patient_panel,
            )
        )
