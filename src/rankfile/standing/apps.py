from django.apps import AppConfig


class StandingConfig(AppConfig):
    name = "rankfile.standing"
    label = "standing"
