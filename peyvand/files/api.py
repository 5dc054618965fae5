"""Files over the API: list and upload on any record, download, delete."""

import datetime as dt

from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from peyvand.core.rest import responses
from peyvand.files import selectors, services
from peyvand.files.downloads import file_response

router = Router()


class AttachmentOut(Schema):
    id: int
    record_type: str
    record_id: int
    name: str
    size: int
    content_type: str
    sha256: str
    uploaded_by_id: int | None
    uploaded_by: str | None
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_uploaded_by(obj) -> str | None:
        return obj.uploaded_by.username if obj.uploaded_by else None

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("api:files_download", args=[obj.pk])


class AttachmentList(Schema):
    items: list[AttachmentOut]
    count: int


@router.get(
    "/records/{record_type}/{record_id}/files",
    response=responses({200: AttachmentList}, 404),
    tags=["files"],
    operation_id="records_files_list",
    summary="The files on a record",
)
def list_files(request, record_type: str, record_id: str):
    """Files on the record, newest first; 404 for a record the caller may not see."""
    _record, files = selectors.attachments_on(request.user, record_type, record_id)
    items = list(files[:500])
    return {"items": items, "count": len(items)}


@router.post(
    "/records/{record_type}/{record_id}/files",
    response=responses({201: AttachmentOut}, 404),
    tags=["files"],
    operation_id="records_files_create",
    summary="Upload a file to a record (multipart field `file`)",
)
def upload_file(request, record_type: str, record_id: str, file: File[UploadedFile]):
    """Refused with 413 (`file.too_large`) over `PEYVAND_FILE_MAX_MB` and with 422 (`file.type_refused`) for
    programs, scripts, web pages, SVG and unknown binary kinds; nothing is stored then."""
    attachment = services.attach_file(
        actor=request.user, record_type=record_type, record_id=record_id, upload=file
    )
    return Status(201, attachment)


@router.get(
    "/files/{pk}/download",
    response=responses({200: None}, 404),
    tags=["files"],
    operation_id="files_download",
    url_name="files_download",
    summary="Download a file (its bytes, as an attachment)",
)
def download_file(request, pk: int):
    return file_response(selectors.attachment_for(request.user, pk))


@router.delete(
    "/files/{pk}",
    response=responses({204: None}, 404),
    tags=["files"],
    operation_id="files_delete",
    summary="Delete a file (the uploader, a manager or an administrator)",
)
def delete_file(request, pk: int):
    services.delete_attachment(actor=request.user, attachment=selectors.attachment_for(request.user, pk))
    return Status(204, None)
