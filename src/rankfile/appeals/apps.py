from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "rankfile.appeals"
    label = "appeals"
    verbose_name = "Appeals and discipline"
