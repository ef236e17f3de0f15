"""Fixtures for the import and export tests: CSV files, and the import pages mounted the way
the project mounts them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from rankfile.members.csvfile import COLUMNS

HERE = Path(__file__).parent


def _members_csv(
    rows: list[list[str]],
    *,
    header: list[str] | tuple[str, ...] = COLUMNS,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    """A members file as a spreadsheet would save it (cells are not quoted: keep them plain)."""
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def members_csv() -> Any:
    """members_csv(rows, header=..., delimiter=..., encoding=...) -> the file's bytes."""
    return _members_csv


class _ImportPages:
    """The site's URLs plus the import pages under members/ (as the project includes them)."""

    @property
    def urlpatterns(self) -> list[Any]:
        from django.contrib.auth import views as auth_views
        from django.urls import include, path

        import rankfile.urls

        patterns = [
            path("members/", include("rankfile.members.urls_import")),
            *rankfile.urls.urlpatterns,
        ]
        names = {getattr(p, "name", None) for p in rankfile.urls.urlpatterns}
        if "login" not in names:
            patterns.append(path("login/", auth_views.LoginView.as_view(), name="login"))
        return patterns


IMPORT_PAGES = _ImportPages()


@pytest.fixture
def import_pages(settings: Any, tmp_path: Path) -> Path:
    """Mount the pages, keep uploaded files in a temporary directory (returned), and fall
    back to a bare base template where the web app does not provide one yet."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    settings.ROOT_URLCONF = IMPORT_PAGES
    settings.RANKFILE_IMPORTS_DIR = str(tmp_path / "imports")
    try:
        get_template("web/base.html")
    except TemplateDoesNotExist:
        templates = copy.deepcopy(settings.TEMPLATES)
        templates[0]["DIRS"] = [str(HERE / "templates")]
        settings.TEMPLATES = templates
    return tmp_path / "imports"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # The personas' passwords are hashed with argon2 otherwise: seconds per test, for nothing
    # these tests look at. (Worth moving to tests/conftest.py for every test.)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
