"""Practice videos: MP4 or WebM, recognised by their first bytes, never by the name they came with."""

from django.conf import settings
from django.core.exceptions import ValidationError

# An ISO media file (MP4) opens with a box whose type is `ftyp`; QuickTime's brand is refused,
# as browsers do not all play it.
FTYP, QUICKTIME_BRAND = b"ftyp", b"qt  "
# A WebM is an EBML document whose DocType, within its first bytes, is "webm".
EBML_MAGIC, WEBM_DOCTYPE = b"\x1a\x45\xdf\xa3", b"\x42\x82\x84webm"
HEAD_BYTES = 4096
TYPES = {"mp4": "video/mp4", "webm": "video/webm"}


def video_kind(head: bytes) -> str | None:
    """ "mp4", "webm" or None, from a file's first bytes."""
    if head[4:8] == FTYP and head[8:12] != QUICKTIME_BRAND:
        return "mp4"
    if head.startswith(EBML_MAGIC) and WEBM_DOCTYPE in head[:HEAD_BYTES]:
        return "webm"
    return None


def checked_video(upload, *, field: str = "video"):
    """The upload, renamed for its real type, or a ValidationError naming `field`."""
    if upload.size > settings.VIDEO_MAX_BYTES:
        megabytes = settings.VIDEO_MAX_BYTES // (1024 * 1024)
        raise ValidationError({field: f"The video is over {megabytes} MB."})
    upload.seek(0)
    kind = video_kind(upload.read(HEAD_BYTES))
    upload.seek(0)
    if kind is None:
        raise ValidationError({field: "This file is not a video we can play: upload an MP4 or WebM."})
    upload.name = f"video.{kind}"  # the original name is neither trusted nor kept
    upload.content_type = TYPES[kind]
    return upload
