"""For the client page's Messages and Outcomes sections: `{% message_thread client as thread %}`,
`{% questionnaires_asked client as asked %}`."""

from django import template

from ..consultations import questionnaires
from ..messages import thread

register = template.Library()


@register.simple_tag
def message_thread(client) -> dict:
    """The last few messages and how many of the client's wait unread by the practice."""
    return {"recent": thread.recent(client), "unread": thread.unread_for_practice(client)}


@register.simple_tag
def questionnaires_asked(client) -> dict:
    """What the client is asked to answer now (`due`) and how many answers no one has looked at."""
    return {
        "due": questionnaires.due_for(client),
        "unseen": client.questionnaire_responses.filter(seen_at=None).count(),
    }
