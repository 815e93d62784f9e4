"""Phone photos are made print-sized on upload, so handouts with photos stay small."""

import io
from datetime import date
from types import SimpleNamespace

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image, ImageDraw

from programs.handouts import Branding, Handout, handout_item, render_handout
from programs.images import MAX_SIDE, prepare_photo
from tests.factories import ExerciseFactory

ORIENTATION, MAKE, GPS_INFO = 0x0112, 0x010F, 0x8825


def phone_photo(*, size=(4032, 3024), orientation: int = 1, quality: int = 95) -> bytes:
    """A camera-like JPEG: smooth light, some shapes, sensor noise, EXIF with a GPS block."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(200, 90, 40))
    draw.rectangle((size[0] // 2, size[1] // 3, size[0] - 200, size[1] - 200), fill=(30, 110, 160))
    noise = Image.effect_noise(size, 24).convert("RGB")
    image = Image.blend(image, noise, 0.15)
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_INFO)[2] = (51.0, 30.0, 0.0)
    output = io.BytesIO()
    image.save(output, "JPEG", quality=quality, exif=exif)
    return output.getvalue()


@pytest.fixture(scope="module")
def camera_jpeg() -> bytes:
    return phone_photo(orientation=6)  # taken with the phone held upright: stored on its side


def upload(data: bytes, name: str = "IMG_0001.JPG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_phone_photo_is_downscaled_to_print_size_as_a_jpeg(camera_jpeg):
    prepared = prepare_photo(upload(camera_jpeg))

    image = Image.open(io.BytesIO(prepared.read()))
    assert image.format == "JPEG"
    assert max(image.size) == MAX_SIDE
    assert prepared.size < len(camera_jpeg) / 5
    assert prepared.name == "img_0001.jpg"


def test_the_photo_keeps_its_orientation_and_loses_its_exif(camera_jpeg):
    prepared = prepare_photo(upload(camera_jpeg))

    image = Image.open(io.BytesIO(prepared.read()))
    assert image.size == (900, 1200)  # stored 4032x3024 on its side, shown upright
    assert dict(image.getexif()) == {}
    assert b"PhoneMaker" not in prepared.read()


def test_a_small_photo_is_not_enlarged():
    prepared = prepare_photo(upload(phone_photo(size=(640, 480))))

    assert Image.open(io.BytesIO(prepared.read())).size == (640, 480)


def test_a_transparent_png_is_flattened_on_white():
    cutout = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    output = io.BytesIO()
    cutout.save(output, "PNG")

    prepared = prepare_photo(SimpleUploadedFile("cutout.png", output.getvalue(), content_type="image/png"))

    assert Image.open(io.BytesIO(prepared.read())).getpixel((10, 10)) == (255, 255, 255)


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7 not a photo", b"GIF89a" + b"\0" * 100, b"", b"\xff\xd8\xff\xe0 truncated jpeg"],
    ids=["pdf", "broken-gif", "empty", "truncated-jpeg"],
)
def test_a_file_that_is_not_a_photo_is_refused_naming_the_field(data):
    with pytest.raises(ValidationError) as refused:
        prepare_photo(upload(data))

    assert list(refused.value.message_dict) == ["image"]


def test_a_gif_is_refused_even_when_it_is_a_real_image():
    output = io.BytesIO()
    Image.new("RGB", (10, 10)).save(output, "GIF")

    with pytest.raises(ValidationError) as refused:
        prepare_photo(upload(output.getvalue(), "anim.gif"), field="photo")

    assert list(refused.value.message_dict) == ["photo"]


def test_an_oversized_upload_is_refused_before_it_is_read(monkeypatch):
    big = upload(b"x")
    monkeypatch.setattr(big, "size", 21 * 1024 * 1024)

    with pytest.raises(ValidationError, match="over 10 MB"):
        prepare_photo(big)


def test_a_photo_over_the_promised_10_mb_is_refused_naming_the_limit(monkeypatch):
    photo = upload(phone_photo(size=(640, 480)))
    monkeypatch.setattr(photo, "size", 15 * 1024 * 1024)

    with pytest.raises(ValidationError) as refused:
        prepare_photo(photo, field="photo")

    assert refused.value.message_dict == {"photo": ["The photo is over 10 MB."]}


@override_settings(UPLOAD_MAX_BYTES=4 * 1024 * 1024)
def test_the_photo_limit_is_the_one_upload_setting_of_logos_too(monkeypatch):
    photo = upload(phone_photo(size=(640, 480)))
    monkeypatch.setattr(photo, "size", 5 * 1024 * 1024)

    with pytest.raises(ValidationError, match="over 4 MB"):
        prepare_photo(photo)


@pytest.mark.django_db
def test_a_handout_with_six_phone_photos_stays_under_2_mb(camera_jpeg, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    items = []
    for number in range(6):
        exercise = ExerciseFactory.build(name=f"Exercise {number}", steps=["Breathe out.", "Move slowly."])
        exercise.image.save(f"{number}.jpg", prepare_photo(upload(camera_jpeg)), save=False)
        exercise.image_alt = f"Photo {number}: the client kneeling on a mat"
        items.append(handout_item(SimpleNamespace(exercise=exercise, note="", dosage_fields=dict)))
    handout = Handout(
        branding=Branding(name="Clinic"),
        title="Photos",
        client_name="Bob",
        practitioner_name="Alice",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 8),
        checkin_url="http://127.0.0.1:8000/app/",
        items=tuple(items),
    )

    pdf = render_handout(handout)

    assert len(pdf) < 2 * 1024 * 1024
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len({image.name for page in reader.pages for image in page.images}) == 6
    assert all(item.is_photo and item.picture_alt.startswith("Photo") for item in items)
