"""Search, filters, ordering and pagination of every list (peyvand/core/listing.py), through the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from peyvand.contacts.models import Contact
from peyvand.contacts.services import create_contact
from peyvand.core.models import CustomField
from peyvand.sales.models import Deal
from peyvand.sales.services import create_deal, move_deal_to_stage

pytestmark = pytest.mark.django_db


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def _fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


@pytest.fixture
def thirty_contacts(rep_a):
    return [create_contact(actor=rep_a, values={"last_name": f"Contact {n:02d}"}) for n in range(30)]


@pytest.fixture
def deals(rep_a, pipeline):
    """Three deals of rep_a: 100 (open), 500 (won), 2000 (open, in Qualified)."""
    small = create_deal(actor=rep_a, values={"title": "Small", "amount": "100"})
    won = create_deal(actor=rep_a, values={"title": "Won", "amount": "500"})
    move_deal_to_stage(actor=rep_a, deal=won, stage=pipeline.stages.get(name="Won"), version=won.version)
    big = create_deal(actor=rep_a, values={"title": "Big", "amount": "2000"})
    move_deal_to_stage(
        actor=rep_a, deal=big, stage=pipeline.stages.get(name="Qualified"), version=big.version
    )
    return {"small": small, "won": won, "big": big}


# --- pagination -----------------------------------------------------------------------------------------------


def test_a_list_gives_the_first_page_and_the_total_count(api_for, rep_a, thirty_contacts, settings):
    listed = api_for(rep_a).get("/contacts")

    assert listed.json()["count"] == 30
    assert len(listed.json()["items"]) == settings.PEYVAND_PAGE_SIZE


def test_pages_split_the_list_without_gaps_or_repeats(api_for, rep_a, thirty_contacts):
    api = api_for(rep_a)

    pages = [_ids(api.get("/contacts", page=n, page_size=7)) for n in range(1, 6)]

    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert [i for p in pages for i in p] == [c.pk for c in thirty_contacts]


def test_a_page_past_the_end_is_empty_but_still_counts(api_for, rep_a, thirty_contacts):
    assert api_for(rep_a).get("/contacts", page=9, page_size=10).json() == {"items": [], "count": 30}


def test_a_very_large_page_number_is_not_a_server_error(api_for, rep_a, thirty_contacts):
    response = api_for(rep_a).get("/contacts", page=10**20)

    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert _fields(response) == ["page"]
    else:
        assert response.json() == {"items": [], "count": 30}


@pytest.mark.parametrize("page_size", [0, -1, 201, 10**6, "ten"])
def test_a_page_size_out_of_bounds_is_refused_on_field_page_size(api_for, rep_a, page_size):
    refused = api_for(rep_a).get("/contacts", page_size=page_size)

    assert refused.status_code == 422, refused.content
    assert _fields(refused) == ["page_size"]


@pytest.mark.parametrize("page", [0, -3, "first"])
def test_a_page_number_below_one_or_not_a_number_is_refused_on_field_page(api_for, rep_a, page):
    refused = api_for(rep_a).get("/contacts", page=page)

    assert refused.status_code == 422
    assert _fields(refused) == ["page"]


def test_the_largest_allowed_page_size_is_accepted(api_for, rep_a, thirty_contacts, settings):
    listed = api_for(rep_a).get("/contacts", page_size=settings.PEYVAND_MAX_PAGE_SIZE)

    assert len(listed.json()["items"]) == 30


# --- ordering -------------------------------------------------------------------------------------------------


def test_deals_sort_by_amount_descending_and_ascending(api_for, rep_a, deals):
    api = api_for(rep_a)

    assert _ids(api.get("/deals", ordering="-amount")) == [deals[k].pk for k in ("big", "won", "small")]
    assert _ids(api.get("/deals", ordering="amount")) == [deals[k].pk for k in ("small", "won", "big")]


@pytest.mark.parametrize(
    "ordering", ["password", "owner__password", "search_text", "-search_text", "amount;--"]
)
def test_sorting_by_a_field_outside_the_allow_list_is_refused_on_field_ordering(
    api_for, rep_a, deals, ordering
):
    refused = api_for(rep_a).get("/deals", ordering=ordering)

    assert refused.status_code == 422, refused.content
    assert _fields(refused) == ["ordering"]


def test_equal_sort_values_keep_a_stable_order_across_pages(api_for, rep_a, pipeline):
    same = [create_deal(actor=rep_a, values={"title": f"Deal {n}", "amount": "100"}) for n in range(6)]
    api = api_for(rep_a)

    pages = [_ids(api.get("/deals", ordering="amount", page=n, page_size=2)) for n in (1, 2, 3)]

    assert [i for p in pages for i in p] == [d.pk for d in same]


# --- filters --------------------------------------------------------------------------------------------------


def test_deals_filter_by_status(api_for, rep_a, deals):
    api = api_for(rep_a)

    assert _ids(api.get("/deals", status="won")) == [deals["won"].pk]
    assert sorted(_ids(api.get("/deals", status="open"))) == sorted([deals["small"].pk, deals["big"].pk])


def test_deals_filter_by_stage(api_for, rep_a, deals, pipeline):
    qualified = pipeline.stages.get(name="Qualified")

    assert _ids(api_for(rep_a).get("/deals", stage=qualified.pk)) == [deals["big"].pk]


def test_deals_filter_by_minimum_and_maximum_amount_typed_in_persian_digits_or_with_commas(
    api_for, rep_a, deals
):
    api = api_for(rep_a)

    assert sorted(_ids(api.get("/deals", amount_min="500"))) == sorted([deals["won"].pk, deals["big"].pk])
    assert sorted(_ids(api.get("/deals", amount_min="۵۰۰"))) == sorted([deals["won"].pk, deals["big"].pk])
    assert _ids(api.get("/deals", amount_min="1,000")) == [deals["big"].pk]
    assert _ids(api.get("/deals", amount_max="100")) == [deals["small"].pk]


def test_filters_combine(api_for, rep_a, deals):
    assert _ids(api_for(rep_a).get("/deals", status="open", amount_min="1000")) == [deals["big"].pk]


def _created_on(record, day: dt.date):
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
    type(record).all_objects.filter(pk=record.pk).update(created_at=moment)


@pytest.mark.parametrize("jalali_date", ["1404/01/01", "۱۴۰۴/۰۱/۰۱", "1404-1-1"])
def test_deals_created_after_a_jalali_date(api_for, rep_a, deals, jalali_date):
    # 1404/01/01 is 2025-03-21.
    _created_on(deals["small"], dt.date(2025, 3, 20))
    _created_on(deals["won"], dt.date(2025, 3, 21))
    _created_on(deals["big"], dt.date(2025, 6, 1))

    after = api_for(rep_a).get("/deals", created_after=jalali_date)

    assert sorted(_ids(after)) == sorted([deals["won"].pk, deals["big"].pk])


def test_deals_created_before_a_jalali_date_or_after_a_gregorian_one(api_for, rep_a, deals):
    _created_on(deals["small"], dt.date(2025, 3, 20))
    _created_on(deals["won"], dt.date(2025, 3, 21))
    _created_on(deals["big"], dt.date(2025, 6, 1))
    api = api_for(rep_a)

    assert _ids(api.get("/deals", created_before="1403/12/30")) == [deals["small"].pk]
    assert _ids(api.get("/deals", created_after="2025-05-01")) == [deals["big"].pk]


def test_a_filter_outside_the_allow_list_is_refused_by_name(api_for, rep_a, deals):
    # Only allow-listed names become lookups; a typo or a lookup path is refused rather than ignored, so
    # "?stauts=won" cannot quietly return everything.
    api = api_for(rep_a)
    for name, value in (("amount__gt", "1000"), ("owner__username", "nobody"), ("stauts", "won")):
        response = api.get("/deals", **{name: value})
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["errors"]] == [name]


@pytest.mark.parametrize(
    "resource, name, value",
    [
        ("deals", "amount_min", "abc"),
        ("deals", "amount_min", "NaN"),
        ("deals", "amount_min", "Infinity"),
        ("deals", "amount_max", "-inf"),
        ("deals", "stage", "abc"),
        ("deals", "stage", "1.5"),
        ("deals", "pipeline", "[1]"),
        ("deals", "created_after", "yesterday"),
        ("deals", "created_after", "1404/13/40"),
        ("deals", "created_after", "2025-02-30"),
        ("deals", "close_before", "1404/12/31/1"),
        ("contacts", "owner", "me"),
        ("contacts", "company", "1 OR 1=1"),
        ("activities", "open", "maybe"),
        ("activities", "due_after", "فردا"),
        ("leads", "team", "تیم"),
    ],
)
def test_a_bad_filter_value_is_refused_with_422_on_that_field(
    api_for, rep_a, pipeline, resource, name, value
):
    refused = api_for(rep_a).get(f"/{resource}", **{name: value})

    assert refused.status_code == 422, refused.content
    assert _fields(refused) == [name]
    assert refused.json()["detail"]


@pytest.mark.parametrize(
    "resource, name, value",
    [
        ("deals", "amount_min", "1e30"),
        ("deals", "amount_min", "9" * 40),
        ("deals", "stage", str(10**20)),
        ("contacts", "owner", str(10**20)),
        ("contacts", "company", "-" + str(10**20)),
        ("contacts", "city", "تهران\x00"),
    ],
)
def test_an_extreme_filter_value_is_refused_or_matches_nothing_but_is_never_a_server_error(
    api_for,
    rep_a,
    pipeline,
    resource,
    name,
    value,
):
    response = api_for(rep_a).get(f"/{resource}", **{name: value})

    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert _fields(response) == [name]
    else:
        assert response.json()["items"] == []


def test_every_bad_filter_is_named_in_one_answer(api_for, rep_a, pipeline):
    refused = api_for(rep_a).get("/deals", amount_min="abc", stage="x", created_after="soon")

    assert refused.status_code == 422
    assert sorted(_fields(refused)) == ["amount_min", "created_after", "stage"]


# --- search ---------------------------------------------------------------------------------------------------


@pytest.fixture
def people(api_for, rep_a):
    api = api_for(rep_a)

    def add(**values):
        created = api.post("/contacts", values)
        assert created.status_code == 201, created.json()
        return created.json()["id"]

    return {
        "karimi": add(
            first_name="علي", last_name="كريمي", phones=["+989123456789"], emails=["Ali@Example.COM"]
        ),
        "abdollahzadeh": add(first_name="رضا", last_name="عبدالله‌زاده"),
        "mirzaei": add(first_name="سارا", last_name="میرزا یی"),
        "mohammadi": add(first_name="مُحَمَّد", last_name="محمدی", phones=["021 8888 1234"]),
        "raeisi": add(first_name="مهدی", last_name="رئیسی"),
        "other": add(first_name="John", last_name="Smith"),
    }


@pytest.mark.parametrize("typed", ["کریمی", "كريمي", "کريمی", "علی کریمی", "  کریمی  ", "كـريمي"])
def test_a_contact_stored_with_arabic_letters_is_found_by_persian_letters_and_the_other_way_round(
    api_for,
    rep_a,
    people,
    typed,
):
    found = api_for(rep_a).get("/contacts", search=typed)

    assert _ids(found) == [people["karimi"]]
    assert found.json()["count"] == 1


@pytest.mark.parametrize("typed", ["عبدالله‌زاده", "عبدالله زاده", "عبدالله\u200cزاده", "زاده"])
def test_a_name_with_a_zero_width_non_joiner_is_found_with_a_zwnj_or_a_space(api_for, rep_a, people, typed):
    assert _ids(api_for(rep_a).get("/contacts", search=typed)) == [people["abdollahzadeh"]]


def test_a_name_stored_with_a_space_is_found_when_typed_with_a_zwnj(api_for, rep_a, people):
    assert _ids(api_for(rep_a).get("/contacts", search="میرزا\u200cیی")) == [people["mirzaei"]]


@pytest.mark.parametrize("typed", ["رئیسی", "رییسی", "ریيسي"])
def test_a_name_with_a_yeh_hamza_is_found_with_or_without_the_hamza(api_for, rep_a, people, typed):
    assert _ids(api_for(rep_a).get("/contacts", search=typed)) == [people["raeisi"]]


def test_a_name_stored_with_diacritics_is_found_without_them(api_for, rep_a, people):
    assert _ids(api_for(rep_a).get("/contacts", search="محمد")) == [people["mohammadi"]]


@pytest.mark.parametrize(
    "typed", ["۰۹۱۲۳۴۵۶۷۸۹", "09123456789", "+989123456789", "00989123456789", "٠٩١٢٣٤٥٦٧٨٩", "4567"]
)
def test_a_phone_stored_in_e164_is_found_however_it_is_typed(api_for, rep_a, people, typed):
    assert _ids(api_for(rep_a).get("/contacts", search=typed)) == [people["karimi"]]


@pytest.mark.parametrize("typed", ["0912 345 6789", "0912-345-6789", "۰۹۱۲ ۳۴۵ ۶۷۸۹"])
def test_a_phone_typed_with_spaces_or_dashes_is_found(api_for, rep_a, people, typed):
    assert _ids(api_for(rep_a).get("/contacts", search=typed)) == [people["karimi"]]


def test_a_landline_is_found_by_its_national_form(api_for, rep_a, people):
    assert _ids(api_for(rep_a).get("/contacts", search="02188881234")) == [people["mohammadi"]]


def test_an_email_is_found_whatever_its_letter_case(api_for, rep_a, people):
    assert _ids(api_for(rep_a).get("/contacts", search="ali@example.com")) == [people["karimi"]]
    assert _ids(api_for(rep_a).get("/contacts", search="ALI@EXAMPLE")) == [people["karimi"]]


def test_every_word_of_a_search_must_match(api_for, rep_a, people):
    assert _ids(api_for(rep_a).get("/contacts", search="علی محمدی")) == []


@pytest.mark.parametrize("typed", ["%", "_", "'", "\\", "%%%", "\x00", "a" * 200])
def test_search_with_special_characters_finds_nothing_and_is_never_a_server_error(
    api_for, rep_a, people, typed
):
    response = api_for(rep_a).get("/contacts", search=typed)

    assert response.status_code in (200, 422), response.content
    if response.status_code == 200:
        assert response.json()["items"] == []


def test_search_and_filters_and_ordering_work_together(api_for, rep_a, pipeline):
    first = create_deal(actor=rep_a, values={"title": "قرارداد پشتیبانی", "amount": "300"})
    second = create_deal(actor=rep_a, values={"title": "قرارداد نصب", "amount": "900"})
    create_deal(actor=rep_a, values={"title": "فروش سخت‌افزار", "amount": "5000"})

    found = api_for(rep_a).get("/deals", search="قرارداد", amount_min="200", ordering="-amount")

    assert _ids(found) == [second.pk, first.pk]


# --- custom fields --------------------------------------------------------------------------------------------


@pytest.fixture
def vip_level(db):
    return CustomField.objects.create(
        entity="contact", key="vip_level", label="VIP level", field_type="number"
    )


def test_contacts_filter_by_a_number_custom_field(api_for, rep_a, vip_level):
    gold = create_contact(actor=rep_a, values={"last_name": "Gold", "custom": {"vip_level": 3}})
    create_contact(actor=rep_a, values={"last_name": "Silver", "custom": {"vip_level": 1}})
    create_contact(actor=rep_a, values={"last_name": "Plain"})
    api = api_for(rep_a)

    assert _ids(api.get("/contacts", cf_vip_level="3")) == [gold.pk]
    assert _ids(api.get("/contacts", cf_vip_level="۳")) == [gold.pk]
    assert _ids(api.get("/contacts", cf_vip_level="3.0")) == [gold.pk]
    assert _ids(api.get("/contacts", cf_vip_level="2")) == []


def test_contacts_filter_by_a_date_custom_field_typed_in_jalali(api_for, rep_a):
    CustomField.objects.create(entity="contact", key="first_order", label="First order", field_type="date")
    early = create_contact(
        actor=rep_a, values={"last_name": "Early", "custom": {"first_order": "1404/01/15"}}
    )
    create_contact(actor=rep_a, values={"last_name": "Late", "custom": {"first_order": "2025-12-01"}})

    assert Contact.objects.get(pk=early.pk).custom == {"first_order": "2025-04-04"}
    assert _ids(api_for(rep_a).get("/contacts", cf_first_order="1404/01/15")) == [early.pk]


def test_a_custom_field_filter_with_a_bad_value_is_refused_on_its_field(api_for, rep_a, vip_level):
    refused = api_for(rep_a).get("/contacts", cf_vip_level="gold")

    assert refused.status_code == 422
    assert _fields(refused) == ["cf_vip_level"]


def test_a_filter_on_an_undefined_custom_field_is_refused_on_its_field(api_for, rep_a, vip_level):
    refused = api_for(rep_a).get("/contacts", cf_shoe_size="42")

    assert refused.status_code == 422
    assert _fields(refused) == ["cf_shoe_size"]


def test_a_custom_field_of_another_entity_is_not_a_filter_here(api_for, rep_a, vip_level, pipeline):
    create_deal(actor=rep_a, values={"title": "ERP"})

    refused = api_for(rep_a).get("/deals", cf_vip_level="3")

    assert refused.status_code == 422
    assert _fields(refused) == ["cf_vip_level"]


def test_a_deal_amount_filter_and_its_stored_amount_agree_on_decimals(api_for, rep_a, pipeline):
    deal = create_deal(actor=rep_a, values={"title": "ERP", "amount": "1250000000.50"})

    assert Deal.objects.get(pk=deal.pk).amount == Decimal("1250000000.50")
    assert _ids(api_for(rep_a).get("/deals", amount_min="1250000000.50")) == [deal.pk]
    assert _ids(api_for(rep_a).get("/deals", amount_min="1250000000.51")) == []
