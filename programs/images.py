"""Uploaded photos: checked to be real images, re-encoded (nothing else of the file survives)."""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

MAX_SIDE = 1600  # enough for a full-width print illustration


def prepare_photo(uploaded_file) -> ContentFile:
    """A clean JPEG of the upload, or a ValidationError naming the field."""
    if uploaded_file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {"image": f"The image is over {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB."}
        )
    try:
        Image.open(uploaded_file).verify()
        uploaded_file.seek(0)
        image = Image.open(uploaded_file)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            {"image": "This file is not an image we can read (use JPEG, PNG or WebP)."}
        ) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name="photo.jpg")
