import pytest

from gongzhi.deliberation.tests.factories import Deliberation, build_deliberation
from gongzhi.testing import World


@pytest.fixture
def d(world: World) -> Deliberation:
    """The world plus community A1's five representatives, four residents and a hall."""
    return build_deliberation(world)
