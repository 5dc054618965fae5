"""How many SMS parts a text takes, the way the networks count them.

A text that fits the GSM 03.38 alphabet travels in 7-bit characters: 160 in one part, 153 in each part of a
longer message (the rest of each part carries the header that joins them). One character outside it (any
Persian letter) sends the whole text as UCS-2: 70 in one part, 67 in each part of a longer one. The GSM
extension characters (``^{}[]~|€\\`` and the form feed) take an escape and their own character, so they count
twice. Characters beyond the Basic Multilingual Plane (an emoji) take two UCS-2 units.
"""

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def sms_units(text: str) -> tuple[str, int]:
    """The encoding a text goes in ("gsm7" or "ucs2") and its length in that encoding's units."""
    if is_gsm(text):
        return "gsm7", sum(2 if c in GSM_EXTENSION else 1 for c in text)
    return "ucs2", sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def sms_parts(text: str) -> int:
    """The number of parts ``text`` is sent in (1 for an empty text: a gateway still sends one)."""
    encoding, units = sms_units(text)
    single, multi = (160, 153) if encoding == "gsm7" else (70, 67)
    if units <= single:
        return 1
    return -(-units // multi)
