from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "alongside.matches"
    verbose_name = "Matching"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.matches import home, services
        from alongside.matches import selectors as summary_selectors
        from alongside.mentors import services as mentor_services
        from alongside.patients import services as patient_services
        from alongside.patients.selectors import CASE_SUMMARY_FACTS
        from alongside.patients.views import MY_MENTOR_PANELS

        # A paused mentor's open matches are flagged inside the pause transaction;
        # a patient who stops sharing with mentors drops out of every proposal.
        mentor_services.ON_PAUSE.register(services.on_mentor_paused)
        patient_services.MENTOR_SHARING_WITHDRAWN.register(services.on_mentor_sharing_withdrawn)
        MY_MENTOR_PANELS.register(home.my_mentor_section)
        CASE_SUMMARY_FACTS.register(summary_selectors.case_summary_mentor)

        NAVIGATION.register(NavLink(30, "Matching", "matches:list", policy.RULES["match.manage"]))
        NAVIGATION.register(
            NavLink(31, "My mentees", "matches:mentees", policy.RULES["mentor.view_own"])
        )
        NAVIGATION.register(NavLink(31, "My mentor", "matches:mine", policy.RULES["patient.own"]))
        for role, template, order, context in (
            (policy.THERAPIST, "matches/home/_staff.html", 30, home.staff_panel),
            (policy.ADMIN, "matches/home/_staff.html", 30, home.staff_panel),
            (policy.MENTOR, "matches/home/_mentor.html", 10, home.mentor_panel),
            (policy.PATIENT, "matches/home/_patient.html", 20, home.patient_panel),
        ):
            PANELS.register(HomePanel(role, template, order, context))
