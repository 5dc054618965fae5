"""The people settings in Chromium: an administrator opens Users from the settings hub, adds a user (a weak
password is refused on its field first), makes a team, moves the new user into it and sees both listed. In
Persian and English, at 1440 px and 390 px, without horizontal scroll."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, signed_in
from peyvand.accounts.models import Role, Team, User

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
STRONG = "violet-harbour-1387"
TOO_SHORT = {"en": "This password is too short", "fa": "این رمز عبور خیلی کوتاه است"}
ADDED = {"en": "Sara Karimi is added", "fa": "Sara Karimi افزوده شد"}


def _fits(page, name: str) -> None:
    """No horizontal scroll at either width (the page's own client width, scroll bar excluded), then the
    project's check, which keeps the screenshots."""
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), (name, width)
    fits(page, name)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_administrator_adds_a_user_and_a_team_and_sees_them_listed(
    browser, live_server, admin, rep_a, team_a, language
):
    page = signed_in(browser, live_server, admin, language)

    page.goto("/settings/")
    page.click('[data-section="users"] a')
    page.wait_for_url(lambda url: url.endswith("/settings/users/"))
    expect(page.locator('#people tr[data-user="rep_a"]')).to_be_visible()
    _fits(page, f"people-users-{language}")

    page.click("#add-user")
    page.fill("#id_username", "sara.k")
    page.fill("#id_first_name", "Sara")
    page.fill("#id_last_name", "Karimi")
    page.fill("#id_email", "sara@example.com")
    page.select_option("#id_role", Role.SALES_MANAGER)
    page.select_option("#id_team", str(team_a.pk))
    page.fill("#id_skills", "software, industrial")
    page.fill("#id_password", "12345")
    _fits(page, f"people-user-new-{language}")
    page.click("#person-form button[type=submit]")
    expect(page.locator("#password-error")).to_contain_text(TOO_SHORT[language])
    expect(page.locator("#id_username")).to_have_value("sara.k")  # what was typed is kept
    assert not User.objects.filter(username="sara.k").exists()
    _fits(page, f"people-user-error-{language}")

    page.fill("#id_password", STRONG)
    page.click("#person-form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/settings/users/"))
    expect(page.locator(".messages")).to_contain_text(ADDED[language])
    row = page.locator('#people tr[data-user="sara.k"]')
    expect(row).to_contain_text("Sara Karimi")
    expect(row).to_contain_text("Tehran")
    # the search filters the list as one types
    page.fill(".people-filters input[name=search]", "karimi")
    expect(page.locator('#people tr[data-user="rep_a"]')).to_have_count(0)
    expect(page.locator('#people tr[data-user="sara.k"]')).to_be_visible()
    assert "search=karimi" in page.url
    user = User.objects.get(username="sara.k")
    assert (user.role, user.team, user.skills) == ("sales_manager", team_a, ["software", "industrial"])
    assert user.check_password(STRONG)

    page.goto("/settings/teams/")
    page.fill("#id_name", "Isfahan")
    page.fill("#id_city", "Isfahan")
    page.click("#add-team button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/settings/teams/"))
    isfahan = Team.objects.get(name="Isfahan")
    expect(page.locator(f'#teams tr[data-team="{isfahan.pk}"]')).to_contain_text("Isfahan")
    expect(page.locator(f'#teams tr[data-team="{isfahan.pk}"] .member-count')).to_have_text(
        "0" if language == "en" else "۰"
    )
    _fits(page, f"people-teams-{language}")

    # the new user moves into the new team from their page, which also offers deactivation
    page.goto(f"/settings/users/{user.pk}/")
    expect(page.locator("#deactivate")).to_be_visible()
    _fits(page, f"people-user-edit-{language}")
    page.select_option("#id_team", str(isfahan.pk))
    page.click("#person-form button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/settings/users/"))
    expect(page.locator('#people tr[data-user="sara.k"]')).to_contain_text("Isfahan")
    page.goto("/settings/teams/")
    expect(page.locator(f'#teams tr[data-team="{isfahan.pk}"] .member-count')).to_have_text(
        "1" if language == "en" else "۱"
    )
    user.refresh_from_db()
    assert user.team == isfahan
    page.context.close()
