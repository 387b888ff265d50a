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
