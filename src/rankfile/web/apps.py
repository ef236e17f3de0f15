from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "rankfile.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from rankfile import deployment  # noqa: F401  (registers `check --deploy`'s checks)
