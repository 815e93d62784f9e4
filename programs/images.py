"""Phone photos made fit for print on upload: checked, turned upright, downscaled, stripped.

A 4032x3024 phone JPEG is 7 MB embedded as is; at 1200 px on the long side it prints
sharp at about 150 dpi on a handout card and weighs a few hundred KB, so a handout
never has to re-encode images while rendering.
"""

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.text import slugify
from PIL import Image, ImageOps, UnidentifiedImageError

from practice.forms import upload_limit_words, upload_too_large

MAX_PIXELS = 50_000_000  # well above any phone camera, far below a decompression bomb
MAX_SIDE = 1200
JPEG_QUALITY = 82
FORMATS = {"JPEG", "PNG", "WEBP"}


def prepare_photo(uploaded_file, *, field: str = "image") -> ContentFile:
    """A print-sized JPEG of the upload, or a ValidationError naming `field`."""
    if upload_too_large(uploaded_file):  # settings.UPLOAD_MAX_BYTES, as for practice logos
        raise ValidationError({field: f"The photo is over {upload_limit_words()}."})
    try:
        uploaded_file.seek(0)
        with Image.open(uploaded_file) as image:
            _check(image, field)
            data = _print_jpeg(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({field: "This file is not a photo we can read (JPEG, PNG or WebP)."}) from exc
    return ContentFile(data, name=f"{slugify(Path(uploaded_file.name or 'photo').stem) or 'photo'}.jpg")


def _check(image: Image.Image, field: str) -> None:
    if image.format not in FORMATS:
        raise ValidationError({field: "Upload a JPEG, PNG or WebP photo."})
    if image.width * image.height > MAX_PIXELS:
        raise ValidationError({field: "The photo has too many pixels."})


def _print_jpeg(image: Image.Image) -> bytes:
    # Decoding a JPEG at a fraction of its size is much faster and loses nothing we keep.
    image.draft("RGB", (MAX_SIDE * 2, MAX_SIDE * 2))
    icc_profile = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)  # the camera's orientation tag, applied to the pixels
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    # Saved without exif: no GPS position, camera serial or time taken leaves the upload.
    _flatten(upright).save(
        output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, icc_profile=icc_profile
    )
    return output.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: JPEG has no transparency, and black behind a cut-out prints badly."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
