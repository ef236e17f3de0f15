from django.apps import AppConfig
from django.db.models.signals import post_save


class AccountsConfig(AppConfig):
    name = "rankfile.accounts"
    label = "accounts"

    def ready(self) -> None:
        from rankfile.accounts.models import User
        from rankfile.accounts.signals import end_tokens_when_password_changes

        post_save.connect(
            end_tokens_when_password_changes, sender=User, dispatch_uid="rankfile.end_tokens"
        )
