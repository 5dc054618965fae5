"""What an uploaded file really is, read from its first bytes, and whether Peyvand keeps that kind.

The browser's content type and the file's name are the sender's word; the bytes are not. A file is kept only
when its bytes are one of the kinds below (office documents, PDF, images, plain text, archives, audio), and
its name does not end in an extension that a computer runs or a browser renders as a page. Everything else —
programs, scripts, HTML, SVG (which may carry script), unknown binaries — is refused. The kind found here is
the content type the download is served with.
"""

import zipfile

# How many leading bytes the sniffing reads (and, for text, checks).
HEAD = 8192

# Names a computer may run or a browser may render as a page, whatever the bytes say.
REFUSED_EXTENSIONS = frozenset(
    {
        "exe", "dll", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "sys", "drv", "ocx",
        "ps1", "psm1", "vbs", "vbe", "js", "jse", "mjs", "wsf", "wsh", "hta", "lnk", "reg", "inf",
        "jar", "class", "apk", "app", "dmg", "pkg", "deb", "rpm", "run", "bin", "elf", "so", "dylib",
        "sh", "bash", "zsh", "csh", "py", "pyc", "pl", "php", "phtml", "rb", "cgi", "asp", "aspx", "jsp",
        "html", "htm", "xhtml", "shtml", "mht", "mhtml", "svg", "svgz", "xml", "xsl", "xslt", "swf",
    }
)  # fmt: skip

ZIP_TYPE = "application/zip"
OFFICE_OPEN_XML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OPEN_DOCUMENT = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)

# Leading bytes and the kind they mean; offsets matter for containers (RIFF, ISO media).
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/vnd.ms-office"),  # .doc, .xls, .ppt, .msg
    (0, b"{\\rtf", "application/rtf"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"#!AMR", "audio/amr"),
)
_RIFF = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
_ISO_MEDIA = {
    b"M4A ": "audio/mp4",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"avif": "image/avif",
    b"qt  ": "video/quicktime",
}
# The start of text that a browser would treat as a page or an image with script.
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe", b"<!--")


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff(upload) -> str | None:
    """The content type of an uploaded file, from its bytes; None for a kind Peyvand does not keep."""
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    if not head:
        return None
    for offset, magic, kind in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return kind
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return _ISO_MEDIA.get(brand, "video/mp4")
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "audio/mpeg"  # an MP3 frame without an ID3 tag
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        return _zip_kind(upload)
    return _text_kind(head)


def _zip_kind(upload) -> str | None:
    """Office documents are ZIP files: tell them apart by what they hold; refuse one that cannot be read."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared in OPEN_DOCUMENT:
                    return declared
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        for folder, kind in OFFICE_OPEN_XML.items():
            if any(n.startswith(folder) for n in names):
                return kind
    return ZIP_TYPE


def _text_kind(head: bytes) -> str | None:
    """Plain text (notes, CSV, logs) in UTF-8 or UTF-16 with a byte-order mark, but never markup."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return None
        return None if _looks_like_markup(text.encode("utf-8")) else "text/plain"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            return None
    if _looks_like_markup(head):
        return None
    return "text/plain"


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith(_MARKUP) or b"<script" in head.lower()
