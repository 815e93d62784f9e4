"""For the client page's Messages section: `{% message_thread client as thread %}`."""

from django import template

from ..messages import thread

register = template.Library()


@register.simple_tag
def message_thread(client) -> dict:
    """The last few messages and how many of the client's wait unread by the practice."""
    return {"recent": thread.recent(client), "unread": thread.unread_for_practice(client)}
