"""`gongzhi demo --no-serve --small`: logins, units, re-runs. The full scale is tested in
gongzhi/places/tests/test_demo.py. The small demo is built once for this module."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.demo import DEMO_PASSWORD, DEPARTMENTS, UTILITIES
from gongzhi.accounts.models import Membership, Person, Role, Unit
from gongzhi.accounts.selectors import person_scope
from gongzhi.places import locate
from gongzhi.places.models import Building, Community, Compound, Entrance, Grid, Subdistrict

pytestmark = pytest.mark.django_db

LOGINS = {
    Role.RESIDENT: "resident",
    Role.RIDER: "rider",
    Role.VOLUNTEER: "volunteer",
    Role.SOCIAL_WORKER: "social_worker",
    Role.COMMUNITY_SECRETARY: "secretary",
    Role.SUBDISTRICT_STAFF: "subdistrict",
    Role.DISTRICT_STAFF: "district",
    Role.DEPARTMENT_STAFF: "department",
    Role.PROPERTY_STAFF: "property",
    Role.HOTLINE_OPERATOR: "operator",
    Role.DISPATCHER: "dispatcher",
    Role.CALLBACK_AGENT: "callback",
    Role.ADMINISTRATOR: "admin",
}


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", "--small", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Subdistrict, Community, Compound, Building, Entrance, Grid, Unit, Person, Membership)
    return {m.__name__: m.objects.count() for m in models} | {
        "served": Unit.compounds.through.objects.count()
    }


@pytest.fixture(scope="module")
def output(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """One small build for the module, rolled back at the end; each test's own changes are
    rolled back after the test as usual."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)
    locate.invalidate()


def test_it_prints_one_login_per_role_with_the_password(output: str) -> None:
    login_lines = [
        line for line in output.splitlines() if line.startswith("  ") and "@" not in line
    ]
    for role, username in LOGINS.items():
        assert any(str(role.label) in line and f" {username} " in line for line in login_lines), (
            role
        )
    assert DEMO_PASSWORD in output


def test_it_reports_the_total_time(output: str) -> None:
    assert "完成，共用时" in output


def test_it_leaves_the_planner_statistics_of_what_it_wrote(output: str) -> None:
    # As autovacuum would on a running server: without them PostgreSQL plans for empty tables.
    table = Compound._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            assert cursor.fetchone()[0] == Compound.objects.count() > 0
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
            assert cursor.fetchone()[0] > 0


def test_every_printed_login_works(output: str) -> None:
    for username in LOGINS.values():
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.session.get("_auth_user_id") == str(Person.objects.get(username=username).pk)


def test_the_insights_are_built_and_the_planted_rise_is_a_hotspot(output: str) -> None:
    """Dashboards and rankings have figures at once; 未诉先办 finds the rise planted in the
    demo resident's compound (cold flats in the heating season, a broken lift otherwise)."""
    from gongzhi.insights.hotspots.models import Hotspot
    from gongzhi.insights.models import MonthlyRollup, RollupState

    assert "未诉先办" in output
    assert RollupState.objects.filter(name="rollups").exclude(as_of=None).exists()
    assert MonthlyRollup.objects.exists()
    compound = Compound.objects.get(name="清枫嘉园")
    planted = Hotspot.objects.filter(
        compound=compound, category__code__in=["heating-cold", "property-elevator"]
    )
    assert planted.exists(), list(Hotspot.objects.values_list("compound__name", "category__code"))


def test_each_login_holds_its_role(output: str) -> None:
    for role, username in LOGINS.items():
        assert Membership.objects.filter(person__username=username, role=role).exists(), role


def test_the_community_logins_see_huamao_centre_only(output: str) -> None:
    huamao = Community.objects.get(name="华贸中心社区")
    secretary = person_scope(Person.objects.get(username="secretary"))
    assert secretary.community_ids == {huamao.pk}
    assert not secretary.everything


def test_the_property_login_serves_the_resident_login_s_compound(output: str) -> None:
    home = Membership.objects.get(person__username="resident", role=Role.RESIDENT).compound
    assert home is not None and home.community.name == "华贸中心社区"
    assert home.pk in person_scope(Person.objects.get(username="property")).compound_ids


def test_the_subdistrict_login_is_staff_of_balizhuang(output: str) -> None:
    m = Membership.objects.get(person__username="subdistrict")
    assert m.unit is not None and m.unit.name == "八里庄街道办事处"


def test_the_administrator_can_use_the_admin_site(output: str) -> None:
    admin = Person.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


def test_it_creates_a_unit_for_every_subdistrict_and_community(output: str) -> None:
    for sd in Subdistrict.objects.all():
        assert Unit.objects.get(code=f"so-{sd.code}").subdistrict == sd
    committees = Unit.objects.filter(kind=Unit.Kind.COMMUNITY_COMMITTEE)
    assert committees.count() == Community.objects.count() == 768
    assert not committees.exclude(code__regex=r"^cc-\d{12}$").exists()


def test_it_creates_the_departments_utilities_and_hotline(output: str) -> None:
    codes = set(Unit.objects.values_list("code", flat=True))
    assert {code for code, _name in DEPARTMENTS} <= codes
    assert {"dept-traffic", "dept-housing", "dept-urban", "dept-police"} <= codes
    assert {"utility-water", "utility-power", "utility-gas", "utility-heating"} <= codes
    assert {code for code, _name in UTILITIES} <= codes
    assert Unit.objects.get(code="hotline").kind == Unit.Kind.HOTLINE_CENTRE


def test_property_companies_serve_compounds(output: str) -> None:
    companies = Unit.objects.filter(kind=Unit.Kind.PROPERTY_COMPANY)
    assert 20 <= companies.count() <= 60
    assert not companies.exclude(code__regex=r"^property-\d+$").exists()
    served = Unit.compounds.through.objects.filter(unit__kind=Unit.Kind.PROPERTY_COMPANY)
    assert served.count() > 0.8 * Compound.objects.count()


def test_no_unit_is_left_without_staff(output: str) -> None:
    empty = Unit.objects.filter(memberships=None)
    assert list(empty.values_list("code", flat=True)) == []


def test_running_it_again_duplicates_nothing(output: str) -> None:
    before = counts()
    again = run_demo()
    assert counts() == before
    assert "新增" not in again and "删除" not in again


def test_another_seed_is_refused_clearly_once_orders_use_the_places(output: str) -> None:
    """The demo orders point at the generated compounds, so a different seed cannot replace
    them in place: the command says to keep the seed or use --reset, and changes nothing."""
    before = counts()
    names = set(Compound.objects.values_list("name", flat=True))
    with pytest.raises(CommandError, match="--reset"):
        run_demo("--seed", "7")
    assert counts() == before
    assert set(Compound.objects.values_list("name", flat=True)) == names
