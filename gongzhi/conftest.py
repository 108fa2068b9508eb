import pytest

from gongzhi.testing import World, build_world


def pytest_configure(config: pytest.Config) -> None:
    """Hash with cheap argon2 in tests: the cast of 14 people is hashed for every `world`."""
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = [
        "gongzhi.testing.FastArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture
def world(db: None) -> World:
    """A small district (subdistricts A and B, communities A1, A2, B1) and one person per role."""
    from gongzhi.places import locate

    locate.invalidate()
    return build_world()
