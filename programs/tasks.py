from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .handouts import handout_cache_evict


@shared_task(name="programs.tasks.evict_handouts")
def evict_handouts() -> int:
    return handout_cache_evict(
        max_bytes=settings.HANDOUT_CACHE_MAX_BYTES, max_age=settings.HANDOUT_CACHE_MAX_AGE, now=timezone.now()
    )
