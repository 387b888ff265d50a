from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "alongside.organisations"
    verbose_name = "Services"
