from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "rankfile.members"
    label = "members"
