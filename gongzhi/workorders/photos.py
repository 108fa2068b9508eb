"""Photo checks at intake: the type by the file's first bytes (not its name or the declared
content type), the size, and the count. All photos are checked before anything is stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from gongzhi.workorders.errors import InvalidPhoto

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"


def sniff(head: bytes) -> str | None:
    """The image type of a file from its first 12 bytes, or None if not JPEG/PNG/WebP."""
    if head.startswith(JPEG):
        return "image/jpeg"
    if head.startswith(PNG):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class CheckedPhoto:
    file: Any  # a django File / UploadedFile, positioned at 0
    content_type: str
    size: int


def _size_of(f: IO[bytes] | Any) -> int:
    size = getattr(f, "size", None)
    if size is not None:
        return int(size)
    pos = f.tell()
    f.seek(0, 2)
    end = f.tell()
    f.seek(pos)
    return int(end)


def check_photos(files: Iterable[Any]) -> list[CheckedPhoto]:
    """Check every photo; raise InvalidPhoto (code invalid_photo) on the first bad one."""
    files = list(files)
    max_count = settings.GONGZHI_PHOTO_MAX_COUNT
    max_bytes = settings.GONGZHI_PHOTO_MAX_BYTES
    if len(files) > max_count:
        raise InvalidPhoto(_("照片最多%(n)d张") % {"n": max_count}, reason="too_many")
    checked = []
    for index, f in enumerate(files, start=1):
        size = _size_of(f)
        if size > max_bytes:
            raise InvalidPhoto(
                _("第%(i)d张照片超过%(mb).1f MB") % {"i": index, "mb": max_bytes / 1024 / 1024},
                reason="too_large",
                index=index,
            )
        if size == 0:
            raise InvalidPhoto(
                _("第%(i)d张照片是空文件") % {"i": index}, reason="empty", index=index
            )
        f.seek(0)
        head = f.read(12)
        f.seek(0)
        content_type = sniff(head)
        if content_type is None:
            raise InvalidPhoto(
                _("第%(i)d张照片不是JPEG、PNG或WebP图片") % {"i": index},
                reason="not_an_image",
                index=index,
            )
        checked.append(CheckedPhoto(f, content_type, size))
    return checked
