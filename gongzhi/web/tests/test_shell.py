"""The base layout, the home page per role, the language and the error pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from gongzhi.testing import World


def client_for(world: World, name: str) -> Client:
    client = Client()
    client.force_login(world.person(name))
    return client


def test_it_sends_an_anonymous_visitor_to_the_login_page(client: Client, db: None) -> None:
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_shows_who_is_signed_in_with_role_and_unit(world: World) -> None:
    html = client_for(world, "secretary_a1").get(reverse("web:home")).content.decode()
    assert "<strong>社区书记</strong> · 永安里社区居委会" in html


def test_the_page_shows_a_residents_home_compound(world: World) -> None:
    html = client_for(world, "resident_a1").get(reverse("web:home")).content.decode()
    assert "<strong>居民</strong> · 永安里小区" in html


def test_logout_is_a_post_form_with_csrf(world: World) -> None:
    html = client_for(world, "secretary_a1").get(reverse("web:home")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}">' in html


def test_logout_by_get_is_refused(world: World) -> None:
    client = client_for(world, "secretary_a1")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("web:home")).status_code == 200


def test_logout_by_post_signs_out(world: World) -> None:
    client = client_for(world, "secretary_a1")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_htmx_comes_from_the_project_and_sends_the_csrf_token(world: World) -> None:
    client = client_for(world, "secretary_a1")
    html = client.get(reverse("web:home")).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js">' in html
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert token and 'hx-headers=\'{"X-CSRFToken": "' in html


@pytest.mark.parametrize(
    ("person", "sees_places"),
    [
        ("secretary_a1", True),
        ("district_staff", True),
        ("resident_a1", True),
        ("property_staff_x", True),
        ("rider", False),
    ],
)
def test_the_navigation_follows_the_role(world: World, person: str, sees_places: bool) -> None:
    response = client_for(world, person).get(reverse("web:home"))
    urls = [item.url for item in response.context["nav_items"]]
    assert (reverse("places:browser") in urls) is sees_places


def test_the_current_section_is_marked_in_the_navigation(world: World) -> None:
    html = client_for(world, "secretary_a1").get(reverse("places:browser")).content.decode()
    assert f'<a href="{reverse("places:browser")}" aria-current="page">' in html


def test_the_home_page_says_what_a_secretary_does_here(world: World) -> None:
    response = client_for(world, "secretary_a1").get(reverse("web:home"))
    html = response.content.decode()
    assert "办理派到本社区的诉求" in html
    assert "places:browser" in [d.url_name for d in response.context["destinations"]]


def test_the_home_page_says_what_a_rider_does_here(world: World) -> None:
    html = client_for(world, "rider").get(reverse("web:home")).content.decode()
    assert "查找附近开放的驿站" in html
    assert "办理派到本社区的诉求" not in html


def test_a_person_without_a_role_is_told_so(world: World) -> None:
    from gongzhi.accounts.models import Person

    client = Client()
    client.force_login(Person.objects.create_user(username="nobody"))
    html = client.get(reverse("web:home")).content.decode()
    assert "您的账号还没有分配角色" in html


def test_chinese_is_the_default_whatever_the_browser_asks_for(world: World) -> None:
    client = client_for(world, "secretary_a1")
    response = client.get(reverse("web:home"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_language_switcher_offers_both_languages(world: World) -> None:
    html = client_for(world, "secretary_a1").get(reverse("web:home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="language" value="en"' in html and 'name="language" value="zh-hans"' in html


def test_choosing_english_switches_the_interface(world: World) -> None:
    client = client_for(world, "secretary_a1")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ">Places</a>" in html
    assert "Sign out" in html


def test_an_unknown_page_gets_the_styled_404(world: World) -> None:
    response = client_for(world, "secretary_a1").get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "/static/web/site.css" in html


def test_the_500_page_renders_without_a_request(db: None) -> None:
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "系统出错" in html and "/static/web/site.css" in html


def test_the_403_page_is_in_the_same_style(world: World) -> None:
    from django.template import loader

    html = loader.get_template("403.html").render({})
    assert "无权访问" in html and "/static/web/site.css" in html
