"""What may be uploaded: PDFs, images and office documents, checked by their first bytes as well
as their name, within the size limit. Anything else is refused with a message."""

import re
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

# extension -> (content type, a check on the first bytes)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc/.xls
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (_OLE,)),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
}
_OOXML_PART = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


def safe_name(name: str) -> str:
    """The uploader's file name, for display only: no folders, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base)[:200] or "document"


def check(upload: UploadedFile) -> str:
    """The content type of an acceptable upload, or ValidationError({"file": [...]})."""
    limit = settings.SENDPATH_MAX_UPLOAD_BYTES
    name = upload.name or ""
    ext = PurePath(name.lower()).suffix
    if ext not in ALLOWED:
        kinds = "PDF, PNG, JPEG, Word, Excel, PowerPoint or OpenDocument"
        raise ValidationError({"file": [f"The file must be a {kinds} file."]})
    if not upload.size:
        raise ValidationError({"file": ["The file is empty."]})
    if upload.size > limit:
        raise ValidationError(
            {"file": [f"The file must be smaller than {limit // (1024 * 1024)} MB."]}
        )
    content_type, signatures = ALLOWED[ext]
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            {
                "file": [
                    f"The file is not really a {ext[1:].upper()} file: its contents do not match its name."
                ]
            }
        )
    if ext in _OOXML_PART and not _zip_has(upload, _OOXML_PART[ext]):
        raise ValidationError({"file": [f"The file is not a valid {ext[1:].upper()} document."]})
    return content_type


def _zip_has(upload: UploadedFile, prefix: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(n.startswith(prefix) for n in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
