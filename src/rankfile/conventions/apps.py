from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "rankfile.conventions"
    label = "conventions"
