"""How many parts an SMS takes: 160/153 characters in the GSM alphabet, 70/67 once a Persian letter is in it."""

from peyvand.messaging.sms.segments import sms_parts, sms_units

PERSIAN = "س"


def test_seventy_persian_characters_fit_in_one_part_and_seventy_one_take_two():
    assert sms_parts(PERSIAN * 70) == 1
    assert sms_parts(PERSIAN * 71) == 2


def test_a_long_persian_text_is_cut_in_parts_of_sixty_seven():
    assert sms_parts(PERSIAN * 134) == 2
    assert sms_parts(PERSIAN * 135) == 3
    assert sms_parts(PERSIAN * 201) == 3
    assert sms_parts(PERSIAN * 202) == 4


def test_latin_text_takes_one_part_up_to_160_and_then_parts_of_153():
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 161) == 2
    assert sms_parts("a" * 306) == 2
    assert sms_parts("a" * 307) == 3


def test_one_persian_letter_sends_the_whole_latin_text_in_ucs2():
    assert sms_units("Hello " + PERSIAN) == ("ucs2", 7)
    assert sms_parts("a" * 70 + PERSIAN) == 2


def test_gsm_extension_characters_count_twice():
    assert sms_units("{}") == ("gsm7", 4)
    assert sms_parts("a" * 158 + "€") == 1
    assert sms_parts("a" * 159 + "€") == 2


def test_persian_digits_and_the_zero_width_non_joiner_are_ucs2_characters():
    assert sms_units("می‌خواهم ۱۲") == ("ucs2", 11)


def test_an_empty_text_is_still_one_part():
    assert sms_parts("") == 1
