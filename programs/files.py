"""Where uploads and rendered handouts are stored, and how a person entitled to one gets it.

Two storages (settings.STORAGES): `default`, public, holds practice logos; `private` holds
exercise photos and videos and the handout cache. Both are the file system under `make run`
and S3-compatible object storage (MinIO, S3) when S3_BUCKET is set, so that any web or
worker node reads what another wrote. A private file is never reachable by its name: its
URL is a short-lived signed link, handed only to whoever could see the object it belongs to.
"""

import mimetypes
import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import quote

import boto3
from botocore.config import Config
from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import LazyObject, cached_property, empty
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

SIGNED_FILE_SALT = "rehabit.private-file"


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


PRIVATE = _PrivateStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":  # tests that switch to object storage get it here too
        PRIVATE._wrapped = empty


def private_storage():
    """The `storage=` of private file fields (a callable: migrations name it, not a backend)."""
    return PRIVATE


def generated_name(folder: str, extension: str) -> str:
    """A name that says nothing of the person or the original file, e.g. videos/3f2a….mp4."""
    return f"{folder}/{uuid.uuid4().hex}{extension}"


def is_local(storage) -> bool:
    """Files on this node's disk, which the web server can send itself."""
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def download_response(storage, name: str, *, filename: str, content_type: str) -> HttpResponse:
    """A stored file as a download without reading it through Python: from disk a FileResponse
    (the WSGI server's sendfile), from object storage a redirect to a short-lived signed link."""
    disposition = f'attachment; filename="{filename}"'
    if is_local(storage):
        response = local_file_response(storage, name, content_type=content_type)
        response["Content-Disposition"] = disposition
    else:
        params = {"ResponseContentDisposition": disposition, "ResponseContentType": content_type}
        response = HttpResponseRedirect(storage.url(name, parameters=params))
    response["Cache-Control"] = "private, no-store"
    return response


def local_file_response(storage, name: str, *, content_type: str) -> HttpResponse:
    """A file on this node's disk, sent by the front server when one serves the private folder
    (`PRIVATE_MEDIA_ACCEL_REDIRECT`: nginx's internal location, an empty answer naming the file),
    else by the WSGI server from the open file (gunicorn's `wsgi.file_wrapper`, i.e. sendfile)."""
    if settings.PRIVATE_MEDIA_ACCEL_REDIRECT and storage.path(name):  # path(): refuses "../"
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
        return response
    return FileResponse(storage.open(name), content_type=content_type)


# --- the file system: signed links to a view -------------------------------------------------


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (never under MEDIA_ROOT, which is served as is); a file's
    URL is a signed link to `signed_file` that works for PRIVATE_URL_SECONDS."""

    # Read at each use, not cached: a test may point PRIVATE_MEDIA_ROOT elsewhere.
    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name, parameters=None, expire=None):
        token = signing.dumps(name, salt=SIGNED_FILE_SALT, compress=True)
        return reverse("programs:private-file", args=[token])

    def get_available_name(self, name, max_length=None):
        # Names are generated (a uuid, a content hash): the same name is the same file.
        return name

    def _save(self, name, content):
        # Written aside then renamed: a reader on another process never sees half a file.
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=os.path.dirname(path), suffix=".part", delete=False) as part:
            for chunk in content.chunks():
                part.write(chunk)
        os.replace(part.name, path)
        return name


def signed_file(request, token: str):
    """A private file behind its signed link; a forged, altered or expired link is a 404."""
    try:
        name = signing.loads(token, salt=SIGNED_FILE_SALT, max_age=settings.PRIVATE_URL_SECONDS)
    except signing.BadSignature:
        raise Http404 from None
    if not PRIVATE.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = local_file_response(PRIVATE, name, content_type=content_type)
    response["Cache-Control"] = "private, max-age=60"
    return response


# --- object storage: presigned links ---------------------------------------------------------


class PrivateS3Storage(S3Storage):
    """Presigned links only; with `public_endpoint_url` (MinIO behind a name only the nodes
    resolve) the links name the address browsers reach instead."""

    def get_default_settings(self):
        return {**super().get_default_settings(), "public_endpoint_url": None}

    def url(self, name, parameters=None, expire=None, http_method=None):
        if not self.public_endpoint_url:
            return super().url(name, parameters=parameters, expire=expire, http_method=http_method)
        params = {"Bucket": self.bucket_name, "Key": self._normalize_name(clean_name(name))}
        return self._public_client.generate_presigned_url(
            "get_object", Params={**params, **(parameters or {})}, ExpiresIn=expire or self.querystring_expire
        )

    @cached_property
    def _public_client(self):
        # Signing is local arithmetic: this client never connects anywhere.
        return boto3.client(
            "s3",
            endpoint_url=self.public_endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region_name,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )


class PublicS3Storage(S3Storage):
    """Practice logos in object storage, served by the app at MEDIA_URL (`practice.views.media`),
    so that emails and pages link to the site and not to the bucket."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + clean_name(name)


# --- listing ----------------------------------------------------------------------------------


def stored_files(storage, folder: str) -> Iterator[tuple[str, int, datetime]]:
    """(name, size, modified) of every file under `folder`: one listing call per page of
    object storage, rather than a request per file."""
    storage = storages["private"] if storage is PRIVATE else storage
    if isinstance(storage, S3Storage):
        root = storage.location.strip("/") + "/" if storage.location else ""
        prefix = root + (clean_name(folder).strip("/") + "/" if folder else "")
        for entry in storage.bucket.objects.filter(Prefix=prefix):
            yield entry.key.removeprefix(root), entry.size, entry.last_modified
        return
    base = storage.path(folder)
    for directory, _, files in os.walk(base):
        for file in files:
            if file.endswith(".part"):
                continue  # being written
            path = os.path.join(directory, file)
            stat = os.stat(path)
            name = os.path.relpath(path, storage.location).replace(os.sep, "/")
            yield name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, tz=UTC)
