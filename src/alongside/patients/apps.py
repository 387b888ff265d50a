from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "alongside.patients"

    def ready(self) -> None:
        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.patients import home

        NAVIGATION.register(NavLink(20, "Patients", "patients:list", policy.RULES["patient.view"]))
        NAVIGATION.register(NavLink(20, "My support", "patients:mine", policy.RULES["patient.own"]))
        for role, template, context in (
            (policy.THERAPIST, "patients/home/_overdue.html", home.overdue_panel),
            (policy.PATIENT, "patients/home/_mine.html", home.patient_panel),
        ):
            PANELS.register(HomePanel(role, template, 10, context))
