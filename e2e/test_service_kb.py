"""The knowledge base in Chromium: a support agent writes an article and publishes it; a visitor (not signed in)
finds it on /help/ by a Persian word typed with Arabic ي/ك, opens it and says it helped. In Persian and English,
at 1440 px and 390 px: the article list, an article and the help centre."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import fits, new_page, signed_in
from peyvand.service.models import Article
from tests.service.kb_factories import agent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PUBLISHED = {"en": "Published", "fa": "منتشرشده"}
THANKS = {"en": "Thank you for your answer.", "fa": "از پاسخ شما سپاسگزاریم."}
HELPFUL = {"en": "Was this helpful?", "fa": "این مقاله مفید بود؟"}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_agent_publishes_an_article_and_a_visitor_finds_it_and_says_it_helped(
    browser, live_server, team_a, language
):
    writer = agent(team_a)
    page = signed_in(browser, live_server, writer, language)
    page.goto("/articles/new/")
    page.fill("#id_title", "شارژ کیف پول مشتری")
    page.fill("#id_body", "از منوی «حساب من» گزینهٔ کیف پول را بزنید.\nمبلغ را بنویسید و پرداخت کنید.")
    page.select_option("#id_audience", "public")
    page.select_option("#id_language", "fa")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/articles/*/")
    article = Article.objects.get(title="شارژ کیف پول مشتری")
    expect(page.locator("#article-text")).to_have_attribute("dir", "rtl")
    page.click("#publish-article")
    expect(page.locator("#article-status")).to_have_text(PUBLISHED[language])
    article.refresh_from_db()
    assert article.status == "published"
    fits(page, f"kb-article-{language}")
    page.goto("/articles/")
    expect(page.locator("body")).to_contain_text("شارژ کیف پول مشتری")
    fits(page, f"kb-list-{language}")

    visitor = new_page(browser, live_server)  # a new context: not signed in
    visitor.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    visitor.goto("/help/")
    expect(visitor.locator("#help-results")).to_contain_text("شارژ کیف پول مشتری")
    fits(visitor, f"help-home-{language}")
    visitor.fill("#help-q", "كيف پول")  # Arabic ك and ي, as an Arabic keyboard types them
    visitor.locator(".help-search button").click()
    expect(visitor.locator("#help-results a")).to_have_count(1)
    visitor.locator("#help-results a").click()
    expect(visitor.locator("#help-text")).to_contain_text("مبلغ را بنویسید")
    expect(visitor.locator("#help-text br")).to_have_count(1)
    expect(visitor.locator("#feedback")).to_contain_text(HELPFUL[language])
    fits(visitor, f"help-article-{language}")
    visitor.click("#helpful-yes")
    expect(visitor.locator("#feedback-thanks")).to_have_text(THANKS[language])
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    visitor.context.close()
    page.context.close()


SENT = {"en": "Thank you: we have your message", "fa": "سپاس: پیام شما به دست ما رسید"}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_visitor_writes_to_support_from_the_help_centre_and_an_agent_finds_the_ticket(
    browser, live_server, team_a, language
):
    from peyvand.service.models import SupportAddress, Ticket

    desk_agent = agent(team_a, username=f"desk_{language}")
    SupportAddress.objects.create(address="support@peyvand.example", team=team_a)
    visitor = new_page(browser, live_server)
    visitor.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    visitor.goto("/help/")
    visitor.locator("#help-contact-link a").click()
    visitor.fill("#contact-name", "Sara Karimi")
    visitor.fill("#contact-email", "not an address")
    visitor.fill("#contact-subject", "چاپگر صفحه سفید می‌دهد")
    visitor.fill("#contact-description", "از دیروز همه برگه‌ها سفید است.")
    visitor.click("#contact-send")
    expect(visitor.locator("#contact-email-error")).to_be_visible()
    assert visitor.input_value("#contact-description") == "از دیروز همه برگه‌ها سفید است."
    fits(visitor, f"help-contact-error-{language}")
    visitor.fill("#contact-email", "sara@example.com")
    visitor.click("#contact-send")
    expect(visitor.locator("h1")).to_have_text(SENT[language])
    ticket = Ticket.objects.get()
    expect(visitor.locator("#contact-reference")).to_be_visible()
    fits(visitor, f"help-contact-sent-{language}")
    visitor.context.close()
    assert ticket.owner == desk_agent and ticket.channel == "web_form"
    page = signed_in(browser, live_server, desk_agent, language)
    page.goto(f"/tickets/{ticket.pk}/")
    expect(page.locator("#ticket-work")).to_contain_text("از دیروز همه برگه‌ها سفید است.")
    page.context.close()
