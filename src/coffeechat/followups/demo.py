"""Follow through for the demo user: past conversations, thank-yous sent, advice acted on.

Built on the network, outreach and conversations demos. Over the last months Sam talked
with Prof. Raman, with Tomás Herrera (a former coworker) and with Mateo García (whom Grace
Liu pointed to, and who then pointed to Amara Okafor), and rehearsed with their roommate. Each real
conversation began with a request and a yes, and was followed by a thank-you and a LinkedIn
connection; two days ago Sam acted on García's advice. So, whatever day the demo is made:

- Today has something in every section: overdue (the thank-you for last week's conversation
  with Amara Okafor, from the conversations demo, and 3B7 steps from the outreach demo), due
  today (tell García how his advice helped), this week (keep in touch with Prof. Raman, three
  months after they were last in touch) and the meetings of the coming days;
- the dashboard's funnel has every step, and its referral tree runs Raman → Liu → García →
  Okafor → the two people Okafor suggested, with conversations along it.

Rows are made through the services, at times counted back from `now` in the student's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from coffeechat.conversations.models import Note, NoteKind
from coffeechat.conversations.services import note_add, note_update
from coffeechat.followups import services
from coffeechat.followups.rules import Rule, add_months
from coffeechat.lib.businessdays import add_business_days, business_day_before
from coffeechat.network.demo import CONTACTS
from coffeechat.network.models import Contact
from coffeechat.outreach import services as outreach
from coffeechat.outreach.demo import COUNTRY
from coffeechat.outreach.models import Channel, Meeting, MeetingStatus, Outcome
from coffeechat.outreach.selectors import student_zone

# Meetings this demo adds: three conversations and a practice run, all held.
MEETINGS_ADDED = 4
# Keep in touch with Prof. Raman falls due this many days from today (within "this week").
KEEP_IN_TOUCH_IN = (2, 5)

RAMAN_NOTES = [
    (NoteKind.ADVICE, "Take INFO 340 (user research methods) next spring; it has a real client."),
    (NoteKind.RESOURCE, "The department's UX reading group, Thursdays at noon."),
    (NoteKind.NOTE, "Suggested I write to Grace Liu at Northwind, her former student."),
]
HERRERA_NOTES = [
    (NoteKind.ADVICE, "Ask the credit union's digital team about their app usability tests."),
    (NoteKind.IDEA, "A portfolio piece on how members use the branch kiosks?"),
    (NoteKind.NOTE, "Ravi Shah runs fraud analytics and likes talking to students."),
]
GARCIA_NOTES = [
    (
        NoteKind.ADVICE,
        "Show the research behind each design in the portfolio, not only the screens.",
    ),
    (NoteKind.RESOURCE, "Nielsen Norman Group articles on usability testing."),
    (NoteKind.IDEA, "Volunteer UX work for a health nonprofit to get real users."),
    (NoteKind.NOTE, "Amara Okafor at Lakeshore Health is the person to ask about health UX."),
]
GARCIA_OUTCOME = (
    "I rewrote two portfolio case studies to start with the research: a recruiter at the "
    "career fair asked about them first."
)
KIM_NOTES = [
    (NoteKind.ADVICE, "Slow down when telling your story; it ran over two minutes."),
    (NoteKind.NOTE, "Practice run: the questions about a typical day went well."),
]


def _people(user: Any) -> dict[str, Contact]:
    """The network demo's people by their key ("raman"), found by name."""
    names = {row["key"]: row["name"] for row in CONTACTS}
    by_name = {c.name: c for c in Contact.objects.filter(owner=user, name__in=names.values())}
    return {key: by_name[name] for key, name in names.items() if name in by_name}


class _Story:
    """Writes one student's past through the services, at times in their zone."""

    def __init__(self, user: Any, now: dt.datetime) -> None:
        self.user = user
        self.tz = student_zone(user)
        self.today = now.astimezone(self.tz).date()

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def asked_and_yes(
        self,
        contact: Contact,
        *,
        asked: dt.datetime,
        answered: dt.datetime,
        start: dt.datetime,
        medium: str,
        location: str = "",
        minutes: int = 30,
    ) -> Meeting:
        """A first request, then a yes with a meeting at `start`."""
        draft = outreach.message_draft(owner=self.user, contact=contact, medium=medium, now=asked)
        channel = Channel.MAILTO if contact.email else Channel.COPY
        outreach.message_send(message=draft, channel=channel, now=asked)
        result = outreach.reply_record(
            owner=self.user,
            contact=contact,
            outcome=Outcome.YES,
            received_at=answered,
            note="Happy to talk: that time works.",
            start=start,
            minutes=minutes,
            medium=medium,
            location=location,
            now=answered,
        )
        assert result.meeting is not None  # a yes always has one
        return result.meeting

    def held(self, meeting: Meeting, notes: Sequence[tuple[str, str]]) -> list[Note]:
        """The conversation happened and left notes, written just after it."""
        written = [note_add(meeting=meeting, kind=kind, text=text)[0] for kind, text in notes]
        # Notes count as an interaction (keep-in-touch restarts from them): date them to
        # the conversation, not to when the demo ran.
        Note.objects.filter(pk__in=[n.pk for n in written]).update(created_at=meeting.end)
        outreach.meeting_mark(meeting=meeting, status=MeetingStatus.DONE, now=meeting.end)
        return written

    def follow_up(self, rule: Rule, key: str, at: dt.datetime, channel: str) -> None:
        """Open the draft the reminder asks for, as the Today page does, and mark it sent."""
        message = services.reminder_draft(owner=self.user, rule=rule, key=key, now=at)
        outreach.message_send(message=message, channel=channel, now=at)

    def thanked_and_connected(
        self, meeting: Meeting, thanks: dt.datetime, connect: dt.date
    ) -> None:
        channel = Channel.MAILTO if meeting.contact.email else Channel.COPY
        self.follow_up(Rule.THANK_YOU, str(meeting.uuid), thanks, channel)
        self.follow_up(
            Rule.LINKEDIN, str(meeting.contact.uuid), self.at(connect, 9), Channel.LINKEDIN
        )


def last_in_touch_for(today: dt.date, months: int = 3) -> dt.date:
    """A day whose keep-in-touch reminder (`months` later) falls due this week, after a
    business day (the conversation the day before)."""
    low, high = KEEP_IN_TOUCH_IN
    first = add_months(today, -months) - dt.timedelta(days=2)
    for offset in range(14):
        day = first + dt.timedelta(days=offset)
        due = add_months(day, months)
        if low <= (due - today).days <= high and (day - dt.timedelta(days=1)).weekday() < 5:
            return day
    raise RuntimeError("No day three months back falls due this week.")  # pragma: no cover


@transaction.atomic
def followups_demo(user: Any, *, now: dt.datetime) -> int:
    """Give the demo user (after the other demos) a past to follow through on.

    Returns how many meetings it added: the conversations held and the practice run.
    """
    story = _Story(user, now)
    today = story.today
    people = _people(user)

    # Prof. Raman, three months ago: last in touch the day after, so keeping in touch is
    # due this week.
    connected = last_in_touch_for(today)
    met = connected - dt.timedelta(days=1)
    asked = business_day_before(met, 6, COUNTRY)
    raman = story.asked_and_yes(
        people["raman"],
        asked=story.at(asked, 9),
        answered=story.at(add_business_days(asked, 1, COUNTRY), 14),
        start=story.at(met, 15),
        medium="in_person",
        location="Prof. Raman's office, room 214",
    )
    story.held(raman, RAMAN_NOTES)
    story.thanked_and_connected(raman, story.at(met, 19), connected)

    # Tomás Herrera, two months ago, after his shift.
    met = business_day_before(today, 42, COUNTRY)
    asked = business_day_before(met, 6, COUNTRY)
    herrera = story.asked_and_yes(
        people["herrera"],
        asked=story.at(asked, 10),
        answered=story.at(add_business_days(asked, 1, COUNTRY), 18),
        start=story.at(met, 17, 30),
        medium="in_person",
        location="Greenfield Credit Union, Main Street branch",
        minutes=20,
    )
    story.held(herrera, HERRERA_NOTES)
    story.thanked_and_connected(herrera, story.at(met, 20), met + dt.timedelta(days=1))

    # A practice run with Jordan Kim, six weeks ago.
    practice = outreach.meeting_schedule(
        owner=user,
        contact=people["kim"],
        start=story.at(business_day_before(today, 30, COUNTRY), 19),
        minutes=20,
        medium="in_person",
        location="Our kitchen table",
    )
    story.held(practice, KIM_NOTES)

    # Mateo García, four weeks ago: Sam acted on his advice two days ago and has not told
    # him yet, so the progress update is due today.
    met = business_day_before(today, 20, COUNTRY)
    asked = business_day_before(met, 7, COUNTRY)
    garcia = story.asked_and_yes(
        people["garcia"],
        asked=story.at(asked, 9),
        answered=story.at(add_business_days(asked, 2, COUNTRY), 11),
        start=story.at(met, 12),
        medium="video",
        minutes=20,
    )
    notes = story.held(garcia, GARCIA_NOTES)
    story.thanked_and_connected(garcia, story.at(met, 16), met + dt.timedelta(days=1))
    note_update(
        note=notes[0],
        acted_on=True,
        outcome=GARCIA_OUTCOME,
        now=story.at(today - dt.timedelta(days=2), 11),
    )
    return MEETINGS_ADDED
