from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "alongside.api"
    verbose_name = "API"
