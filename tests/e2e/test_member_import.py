import os

import pytest

from rankfile.members.models import Member
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = "member_number,first_name,last_name,email,phone,branch,joined_on,status"
SCREENSHOTS = os.environ.get("RANKFILE_SCREENSHOTS")  # a directory: save each page there


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_a_secretary_imports_a_file_sees_its_error_fixes_it_and_imports_it(page, people, tmp_path):
    bad = tmp_path / "members.csv"
    bad.write_text(
        f"{HEADER}\n2001,Ann,Lee,ann@example.org,,east,2021-03-04,\n2002,Bob,Ray,bob@,,east,2022-05-06,\n"
    )
    fixed = tmp_path / "members-fixed.csv"
    fixed.write_text(
        f"{HEADER}\n2001,Ann,Lee,ann@example.org,,east,2021-03-04,\n2002,Bob,Ray,bob@example.org,,east,2022-05-06,\n"
    )

    page.goto("/login/")
    page.get_by_label("Email").fill(people.secretary.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    page.get_by_role("link", name="Members", exact=True).click()
    page.get_by_role("link", name="Import CSV").click()
    shot(page, "import-upload")

    page.get_by_label("Members file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and preview").click()
    errors = page.get_by_role("table", name="Errors")
    assert errors.get_by_role("cell", name="not a valid email address: 'bob@'").is_visible()
    assert errors.get_by_role("cell", name="email", exact=True).is_visible()
    assert page.get_by_role("button", name="Apply").count() == 0
    shot(page, "import-preview-errors")

    page.get_by_label("Fixed members file (CSV)").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and preview").click()
    assert page.get_by_role("table", name="Members to add").is_visible()
    shot(page, "import-preview")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("heading", name="Imported members-fixed.csv").is_visible()
    shot(page, "import-done")
    assert Member.objects.get(member_number="2002").email == "bob@example.org"
