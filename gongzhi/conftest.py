import pytest

from gongzhi.testing import World, build_world

# Browser tests (-m browser): headless Chromium against the live server.
from gongzhi.web.tests.browser import browser, page  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    """Hash with cheap argon2 in tests: the cast of 14 people is hashed for every `world`."""
    from django.conf import settings
    from django.test import override_settings

    # Enabled for the whole session; override_settings also resets the hasher caches.
    override_settings(
        PASSWORD_HASHERS=["gongzhi.testing.FastArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
    ).enable()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` are skipped unless the suite runs on PostgreSQL (DATABASE_URL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (make test-postgres)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Each test reads the configuration and API keys its own database holds, not what a
    rolled-back test left in this process's caches (workorders.reference, open311 keys)."""
    from gongzhi.open311.selectors import apikeys_forget
    from gongzhi.workorders import reference

    reference.invalidate()
    apikeys_forget()


@pytest.fixture
def world(db: None) -> World:
    """A small district (subdistricts A and B, communities A1, A2, B1) and one person per role."""
    from gongzhi.dispatch.suggest import invalidate_model
    from gongzhi.places import locate

    locate.invalidate()
    invalidate_model()  # the active classifier is looked up again (a rolled-back demo's, say)
    return build_world()
