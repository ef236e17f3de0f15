from tests.totp import totp

from rankfile.accounts import two_factor
from rankfile.accounts.actions import do_confirm_two_factor, do_start_two_factor
from rankfile.audit.models import AuditEvent
from rankfile.cli import main


def turn_on(user):
    device = do_start_two_factor(user)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    do_confirm_two_factor(user, totp(secret))


def test_an_operator_ends_someones_two_factor_authentication_on_the_record(people, capsys):
    turn_on(people.secretary)
    status = main(["two-factor-reset", people.secretary.email, "--reason", "Lost her phone"])
    assert status == 0
    assert "is off" in capsys.readouterr().out
    assert not two_factor.has_two_factor(people.secretary)
    event = AuditEvent.objects.get(action="account.two_factor_reset")
    assert (event.actor_label, event.reason) == ("system", "Lost her phone")


def test_it_refuses_an_unknown_account_or_one_without_it(people, capsys):
    assert main(["two-factor-reset", "nobody@example.org", "--reason", "x"]) == 1
    assert "no account uses nobody@example.org" in capsys.readouterr().err
    assert main(["two-factor-reset", people.member.email, "--reason", "x"]) == 1
    assert "does not use two-factor" in capsys.readouterr().err
