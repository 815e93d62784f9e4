"""Rehabit's stored files to a tar archive and back, through the configured storages, so the same
command backs up the file system (`make run`) and object storage (MinIO, S3) alike.

Logos, photos and videos are kept; the handout cache is not (it renders again on demand).
    usage: python scripts/files_archive.py dump FILE.tar | load FILE.tar
Settings come from the environment, as for the app (S3_* or MEDIA_ROOT / PRIVATE_MEDIA_ROOT).
"""

import os
import sys
import tarfile
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.files import File  # noqa: E402
from django.core.files.storage import storages  # noqa: E402

from programs.files import stored_files  # noqa: E402
from programs.handouts import HANDOUT_CACHE  # noqa: E402

ALIASES = ("default", "private")


def dump(path: str) -> int:
    count = 0
    with tarfile.open(path, "w") as archive:
        for alias in ALIASES:
            storage = storages[alias]
            for name, size, modified in stored_files(storage, ""):
                if name.startswith(HANDOUT_CACHE + "/"):
                    continue
                member = tarfile.TarInfo(f"{alias}/{name}")
                member.size, member.mtime = size, modified.timestamp()
                with storage.open(name) as stored:
                    archive.addfile(member, stored)
                count += 1
    return count


def load(path: str) -> int:
    count = 0
    with tarfile.open(path) as archive:
        for member in archive:
            alias, _, name = member.name.partition("/")
            if not member.isfile() or alias not in ALIASES or ".." in name.split("/"):
                continue
            storage = storages[alias]
            if not storage.exists(name):
                storage.save(name, File(archive.extractfile(member), name=name))
                count += 1
    return count


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("dump", "load"):
        sys.exit(__doc__)
    done = {"dump": dump, "load": load}[sys.argv[1]](sys.argv[2])
    print(f"{sys.argv[1]}: {done} files")
