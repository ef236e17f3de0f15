from django.apps import AppConfig


class VotingConfig(AppConfig):
    name = "rankfile.voting"
    label = "voting"
    verbose_name = "Voting"
