from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "rankfile.web"
    label = "web"
    verbose_name = "Web"
