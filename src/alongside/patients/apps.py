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
        PANELS.register(
            HomePanel(
                role=policy.THERAPIST,
                template="patients/home/_overdue.html",
                order=10,
                context=home.overdue_panel,
            )
        )
        PANELS.register(
            HomePanel(
                role=policy.PATIENT,
                template="patients/home/_mine.html",
                order=10,
                context=home.patient_panel,
            )
        )
