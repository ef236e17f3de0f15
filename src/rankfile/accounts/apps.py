from django.apps import AppConfig
from django.db.models.signals import post_save


class AccountsConfig(AppConfig):
    name = "rankfile.accounts"
    label = "accounts"

    def ready(self) -> None:
        from rankfile.accounts.models import User
        from rankfile.accounts.signals import after_password_change

        post_save.connect(after_password_change, sender=User, dispatch_uid="rankfile.end_tokens")
