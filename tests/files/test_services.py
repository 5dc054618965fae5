import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.signals import pre_save

from peyvand.core.audit import audit_for
from peyvand.core.errors import NotFound, PeyvandError
from peyvand.files import permissions
from peyvand.files.models import Attachment
from peyvand.files.services import attach_file, clean_name, delete_attachment
from tests.files.conftest import PDF, stored_files

pytestmark = pytest.mark.django_db


def _upload(name="offer.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_pdf_is_stored_with_its_sniffed_type_hash_and_size_and_audited_on_its_record(
    media, rep_a, contact_of
):
    contact = contact_of(rep_a)

    attachment = attach_file(
        actor=rep_a, record_type="contact", record_id=contact.pk, upload=_upload(content_type="text/html")
    )

    attachment.refresh_from_db()
    assert (attachment.record_type, attachment.record_id) == ("contact", contact.pk)
    assert attachment.content_type == "application/pdf"  # from the bytes, not the browser's word
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.uploaded_by == rep_a and attachment.name == "offer.pdf"
    assert [p.read_bytes() for p in stored_files(media)] == [PDF]
    assert "offer.pdf" not in attachment.file.name  # stored under a random name
    entry = audit_for(contact).first()
    assert entry.note == "File attached: offer.pdf" and entry.actor == rep_a


def test_a_file_over_the_limit_is_refused_naming_the_limit_before_anything_is_stored(
    media, settings, rep_a, contact_of
):
    settings.PEYVAND_FILE_MAX_MB = 1
    contact = contact_of(rep_a)
    audit_rows = audit_for(contact).count()

    with pytest.raises(PeyvandError) as refused:
        attach_file(
            actor=rep_a,
            record_type="contact",
            record_id=contact.pk,
            upload=_upload(content=PDF + b"0" * (1024 * 1024)),
        )

    assert refused.value.code == permissions.FILE_TOO_LARGE
    assert refused.value.status == 413
    assert refused.value.errors == [{"field": "file", "message": "The file is larger than the 1 MB limit."}]
    assert stored_files(media) == [] and not Attachment.objects.exists()
    assert audit_for(contact).count() == audit_rows


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),  # a Windows program under a PDF's name
        ("photo.jpg", b"\x7fELF\x02\x01\x01\x00"),  # a Linux program
        ("notes.txt", b"<!DOCTYPE html><html><body>hi</body></html>"),  # a web page
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.txt", b'<?xml version="1.0"?><svg></svg>'),
        ("notes.txt", b"hello <script>alert(1)</script>"),
        ("invoice.exe", PDF),  # a harmless PDF with a name that would run
        ("page.html", b"just words"),
        ("broken.docx", b"PK\x03\x04not really a zip"),
        ("unknown.bin", bytes(range(256)) * 4),
    ],
)
def test_programs_pages_svg_and_unknown_binaries_are_refused_whatever_they_are_called(
    media, rep_a, contact_of, name, content
):
    contact = contact_of(rep_a)

    with pytest.raises(PeyvandError) as refused:
        attach_file(actor=rep_a, record_type="contact", record_id=contact.pk, upload=_upload(name, content))

    assert refused.value.code == permissions.FILE_TYPE_REFUSED
    assert refused.value.field == "file"
    assert stored_files(media) == [] and not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("notes.txt", "یادداشت جلسه\nقیمت: ۱۲۰".encode(), "text/plain"),
        ("prices.csv", b"name,price\nA,10\n", "text/plain"),
        ("voice.ogg", b"OggS\x00\x02" + b"\x00" * 20, "audio/ogg"),
    ],
)
def test_documents_images_text_and_audio_are_kept_with_the_type_their_bytes_show(
    media, rep_a, contact_of, name, content, kind
):
    contact = contact_of(rep_a)

    attachment = attach_file(
        actor=rep_a, record_type="contact", record_id=contact.pk, upload=_upload(name, content, "x/y")
    )

    assert attachment.content_type == kind


def test_an_office_document_is_told_from_a_plain_zip_by_what_it_holds(media, rep_a, contact_of, tmp_path):
    import io
    import zipfile

    def zipped(entries):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for entry in entries:
                archive.writestr(entry, "x")
        return buffer.getvalue()

    contact = contact_of(rep_a)
    docx = attach_file(
        actor=rep_a,
        record_type="contact",
        record_id=contact.pk,
        upload=_upload("offer.docx", zipped(["[Content_Types].xml", "word/document.xml"])),
    )
    plain = attach_file(
        actor=rep_a,
        record_type="contact",
        record_id=contact.pk,
        upload=_upload("photos.zip", zipped(["a.jpg"])),
    )

    assert docx.content_type.endswith("wordprocessingml.document")
    assert plain.content_type == "application/zip"


def test_a_record_another_team_owns_is_not_found_and_nothing_is_stored(media, rep_a, rep_b, contact_of):
    foreign = contact_of(rep_b, "Secretfox")

    with pytest.raises(NotFound):
        attach_file(actor=rep_a, record_type="contact", record_id=foreign.pk, upload=_upload())
    with pytest.raises(NotFound):
        attach_file(actor=rep_a, record_type="no-such-kind", record_id=foreign.pk, upload=_upload())

    assert stored_files(media) == [] and not Attachment.objects.exists()


def test_when_the_row_cannot_be_written_the_stored_bytes_are_removed_again(media, rep_a, contact_of):
    contact = contact_of(rep_a)

    def refuse(sender, **kwargs):
        raise RuntimeError("the database went away")

    pre_save.connect(refuse, sender=Attachment)
    try:
        with pytest.raises(RuntimeError):
            attach_file(actor=rep_a, record_type="contact", record_id=contact.pk, upload=_upload())
    finally:
        pre_save.disconnect(refuse, sender=Attachment)

    assert stored_files(media) == [] and not Attachment.objects.exists()


def test_the_uploader_a_manager_and_an_admin_may_delete_a_file_but_not_another_rep(
    media, settings, rep_a, rep_a2, manager_a, admin, contact_of
):
    settings.PEYVAND_REP_SEES_TEAM = True
    contact = contact_of(rep_a)

    def attached():
        return attach_file(actor=rep_a, record_type="contact", record_id=contact.pk, upload=_upload())

    with pytest.raises(PeyvandError) as refused:
        delete_attachment(actor=rep_a2, attachment=attached())
    assert (refused.value.code, refused.value.status) == (permissions.FILE_DELETE_FORBIDDEN, 403)
    for user in (rep_a, manager_a, admin):
        deleted = delete_attachment(actor=user, attachment=attached())
        assert deleted.deleted_at is not None and deleted.deleted_by == user

    assert Attachment.objects.filter(deleted_at__isnull=True).count() == 1
    notes = [entry.note for entry in audit_for(contact)]
    assert notes.count("File deleted: offer.pdf") == 3


def test_a_manager_of_another_team_may_not_delete_and_does_not_learn_the_file_exists(
    media, rep_b, manager_a, contact_of
):
    contact = contact_of(rep_b)
    attachment = attach_file(actor=rep_b, record_type="contact", record_id=contact.pk, upload=_upload())

    assert not permissions.can_delete_attachment(manager_a, attachment)
    with pytest.raises(NotFound):
        delete_attachment(actor=manager_a, attachment=attachment)
    assert Attachment.objects.get().deleted_at is None


def test_a_file_name_loses_its_folders_and_direction_tricks_and_keeps_persian():
    assert clean_name("C:\\Users\\sara\\پیش‌فاکتور ۱۴۰۳.pdf") == "پیش‌فاکتور ۱۴۰۳.pdf"
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("invoice\u202efdp.exe") == "invoicefdp.exe"
    assert clean_name("   ") == "file"
    long = clean_name("a" * 400 + ".xlsx")
    assert len(long) == 200 and long.endswith(".xlsx")


def test_a_record_type_registered_as_not_attachable_takes_no_file(media, rep_a, pipeline):
    from peyvand.core import registry
    from peyvand.sales.models import Pipeline

    registry.register(
        registry.RecordType(
            name="pipeline-setting",
            plural="pipeline-settings",
            model=Pipeline,
            attachable=False,
            visible_to=lambda user: Pipeline.objects.all(),
        )
    )
    try:
        with pytest.raises(PeyvandError) as refused:
            attach_file(actor=rep_a, record_type="pipeline-setting", record_id=pipeline.pk, upload=_upload())
    finally:
        registry.unregister("pipeline-setting")

    assert refused.value.code == "record.not_attachable"
    assert stored_files(media) == [] and not Attachment.objects.exists()
