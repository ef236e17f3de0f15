from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "rankfile.dues"
    label = "dues"
    verbose_name = "Dues"
