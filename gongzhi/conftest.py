import pytest

from gongzhi.testing import World, build_world


@pytest.fixture
def world(db: None) -> World:
    """A small district (subdistricts A and B, communities A1, A2, B1) and one person per role."""
    from gongzhi.places import locate

    locate.invalidate()
    return build_world()
