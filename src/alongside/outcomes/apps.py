from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class OutcomesConfig(AppConfig):
    name = "alongside.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        # A wrong cut-point must stop start-up, not reach a patient's score.
        from alongside.core.instruments import InstrumentFileError, instruments

        try:
            instruments()
        except InstrumentFileError as error:
            raise ImproperlyConfigured(f"instrument definition refused: {error}") from error

        from alongside.accounts import policy
        from alongside.accounts.context_processors import NAVIGATION, NavLink
        from alongside.accounts.home import PANELS, HomePanel
        from alongside.notifications.reminders import SWEEPS, ReminderSweep
        from alongside.outcomes import home, services
        from alongside.outcomes.reminders import questionnaire_due_sweep
        from alongside.patients.services import REFERRAL_ACCEPTED

        SWEEPS.register(ReminderSweep("questionnaire_due", questionnaire_due_sweep))
        REFERRAL_ACCEPTED.register(services.on_referral_accepted)
        NAVIGATION.register(
            NavLink(25, "Questionnaires", "outcomes:mine", policy.RULES["outcome.own"])
        )
        PANELS.register(
            HomePanel(
                role=policy.PATIENT,
                template="outcomes/home/_mine.html",
                order=5,
                context=home.patient_panel,
            )
        )
