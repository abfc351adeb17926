# The templates keep each paragraph on one line: mail apps wrap text, and hard line breaks
# inside a paragraph look broken on a phone.
# ruff: noqa: E501
"""Message wording: the built-in templates and how a template becomes a draft.

A template is plain text with `{placeholders}` the student can move around or drop. Only the
names in PLACEHOLDERS are filled; anything else in braces is left as written, so a template
can never reach into Python objects the way `str.format` could. The built-in wording follows
the guide and Steve Dalton's 2-Hour Job Search: the connection first, who you are and why,
a specific short ask, an easy medium, a few real times, and the ask as a question, in fewer
than 75 words of prose.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from coffeechat.network.models import Contact, Source
from coffeechat.outreach.models import Kind

PLACEHOLDERS: dict[str, str] = {
    "first_name": "Their first name",
    "name": "Their full name",
    "organization": "Their organization (or “your organization”)",
    "their_work": "“your work as UX Researcher at Acme” — as much as is known",
    "referrer": "Who referred you to them",
    "referrer_first_name": "The referrer's first name",
    "found_how": "How you found them, e.g. “your profile on the alumni network”",
    "my_name": "Your name",
    "my_first_name": "Your first name",
    "me": "Who you are, e.g. “a junior at Midwest State”",
    "field": "The field you are exploring",
    "minutes": "The minutes you ask for",
    "wording": "What you call it: informational interview, coffee chat or phone chat",
    "a_wording": "The same with “a” or “an”: “an informational interview”",
    "medium": "How to meet, e.g. “phone or Zoom”",
    "times": "The proposed times, one per line",
    "time": "The time they chose (replies to a yes)",
    "met_when": "When you talked, e.g. “on Tuesday” (follow-ups)",
    "learned": "Something specific from your notes, e.g. “your advice to join the UX guild” (follow-ups)",
    "acted_on": "What you did with their advice or resource and how it helped (progress updates, keeping in touch)",
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# How the student knows someone, as the end of "we know each other from …" (known
# contacts) or of "I found …" (everyone else).
KNOWN_FROM: dict[str, str] = {
    Source.FACULTY: "your class",
    Source.ADVISOR: "advising",
    Source.TA: "your section",
    Source.RESIDENCE: "the residence hall",
    Source.COWORKER: "work",
    Source.SUPERVISOR: "work",
    Source.MENTOR: "high school",
    Source.FRIEND_FAMILY: "the family",
    Source.ACQUAINTANCE: "around campus",
}
FOUND_VIA: dict[str, str] = {
    Source.ALUMNI: "your profile on the alumni network",
    Source.LINKEDIN: "your profile on LinkedIn",
    Source.GUEST_SPEAKER: "you through your talk to our class",
    Source.RECRUITER: "you at the career fair",
}


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


BUILT_IN: dict[str, Template] = {
    Kind.REQUEST_KNOWN: Template(
        subject="Could I ask you about {their_work}?",
        body="""Hi {first_name},

We know each other from {found_how}, and you came to mind: I'm exploring careers in {field}, and your experience would help me a lot.

Would you have {minutes} minutes for {a_wording} by {medium}? Any of these times could work:
{times}
Would one of them suit you?

Thank you,
{my_name}""",
    ),
    Kind.REQUEST_REFERRAL: Template(
        subject="{referrer} suggested I contact you",
        body="""Hi {first_name},

{referrer} suggested I reach out to you. I'm {my_first_name}, {me}, exploring careers in {field}, and I'd love to hear about {their_work}.

Would you have {minutes} minutes for {a_wording} by {medium}? These times are free for me:
{times}
Would one of them work for you?

Thank you,
{my_name}""",
    ),
    Kind.REQUEST_ALUMNI: Template(
        subject="A fellow alum asking about {their_work}",
        body="""Hi {first_name},

I found {found_how}. I'm {my_first_name}, {me}, exploring careers in {field}, and your path caught my eye.

Would you have {minutes} minutes for {a_wording} by {medium} about your experience? These times are free for me:
{times}
Would one of them work for you?

Thank you,
{my_name}""",
    ),
    Kind.REQUEST_COLD: Template(
        subject="A student's question about {their_work}",
        body="""Hi {first_name},

I found {found_how}. I'm {my_first_name}, {me}, exploring careers in {field}, and I'd love to hear about your experience.

Would you have {minutes} minutes for {a_wording} by {medium}? These times are free for me:
{times}
Would one of them work for you?

Thank you,
{my_name}""",
    ),
    Kind.REQUEST_PRACTICE: Template(
        subject="Could I practise {a_wording} with you?",
        body="""Hi {first_name},

We know each other from {found_how}. I'm getting ready for my first {wording}s about careers in {field}, and practising with you first would help me learn what to ask.

Would you have {minutes} minutes by {medium} for a practice run? Any of these could work:
{times}
Would one of them suit you?

Thank you,
{my_name}""",
    ),
    Kind.NUDGE: Template(
        subject="Re: {subject}",
        body="""Hi {first_name},

I know your inbox is busy, so I'm following up on my note below. Would {minutes} minutes by {medium} in the next couple of weeks be possible for you? Any of these times could work:
{times}
Would one of them suit you?

Thank you,
{my_name}""",
    ),
    Kind.CONFIRM: Template(
        subject="Re: {subject}",
        body="""Hi {first_name},

Thank you for saying yes! {time} works well for me, by {medium}. I'll send a calendar invite, and I look forward to hearing about your work.

Best,
{my_name}""",
    ),
    Kind.WHO_ELSE: Template(
        subject="Re: {subject}",
        body="""Hi {first_name},

Thank you for letting me know, and for taking the time to answer. Do you know anyone else in {field} who might be willing to chat with me for {minutes} minutes?

Thanks again,
{my_name}""",
    ),
    Kind.THANK_YOU: Template(
        subject="Thank you for your time",
        body="""Hi {first_name},

Thank you for talking with me {met_when} about {their_work}. I especially appreciated {learned}; it gave me a much clearer picture of {field}.

I'll let you know how it goes. Thanks again for your time and advice.

Best,
{my_name}""",
    ),
    Kind.LINKEDIN_CONNECT: Template(
        subject="",
        body="Hi {first_name}, thank you again for talking with me {met_when}. I appreciated {learned} and would like to stay in touch here. Thanks! {my_first_name}",
    ),
    Kind.PROGRESS_UPDATE: Template(
        subject="Your advice helped",
        body="""Hi {first_name},

When we talked {met_when}, I made a note of {learned}. I acted on it, and I wanted to let you know what came of it: {acted_on}

Thank you again for pointing me that way.

Best,
{my_name}""",
    ),
    Kind.KEEP_IN_TOUCH: Template(
        subject="Catching up",
        body="""Hi {first_name},

I hope things are going well at {organization}. Since we talked {met_when}, I have often thought of {learned}. {acted_on}

Would you have 15 minutes in the coming weeks to catch up? I'd love to hear what you are working on.

Best,
{my_name}""",
    ),
    Kind.LINKEDIN_NOTE: Template(
        subject="",
        body="Hi {first_name}, I found {found_how}. I'm {my_first_name}, {me}, exploring "
        "{field}. Could I ask you about {their_work} sometime? Thank you!",
    ),
}


def placeholders_unknown(text: str) -> list[str]:
    """Names in braces that are not placeholders: a likely typo in an edited template."""
    return sorted(
        {name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS} - {"subject"}
    )


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with every known `{placeholder}` replaced; other braces are kept as written."""

    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        return values[name] if name in values else found.group(0)

    filled = _PLACEHOLDER.sub(replace, text)
    # A placeholder with nothing to say leaves no doubled spaces, no space before a comma
    # and none at the end of a line.
    filled = re.sub(r"[ \t]{2,}", " ", filled)
    filled = re.sub(r"[ \t]+$", "", filled, flags=re.MULTILINE)
    return re.sub(r" +([,.;:?!])", r"\1", filled)


def request_kind_for(contact: Contact) -> str:
    """The first-request variant that suits how the student knows someone."""
    if contact.practice:
        return Kind.REQUEST_PRACTICE
    if contact.referred_by_id is not None or contact.source == Source.REFERRAL:
        return Kind.REQUEST_REFERRAL
    if contact.source == Source.ALUMNI:
        return Kind.REQUEST_ALUMNI
    if contact.source in KNOWN_FROM:
        return Kind.REQUEST_KNOWN
    return Kind.REQUEST_COLD


def first_name(name: str) -> str:
    words = name.split()
    return words[0] if words else name


def found_how(contact: Contact) -> str:
    """How the student knows or found someone, in words that fit the templates."""
    if contact.source in KNOWN_FROM:
        return KNOWN_FROM[contact.source]
    if contact.source in FOUND_VIA:
        return FOUND_VIA[contact.source]
    if contact.organization is not None:
        return f"your work at {contact.organization.name}"
    return "your profile"


def their_work(contact: Contact) -> str:
    organization = contact.organization.name if contact.organization is not None else ""
    if contact.title and organization:
        return f"your work as {contact.title} at {organization}"
    if organization:
        return f"your work at {organization}"
    if contact.title:
        return f"your work as {contact.title}"
    return "your work"


def media_phrase(media: list[str]) -> str:
    """ "phone or Zoom" from the student's preferred ways to meet."""
    words = {"phone": "phone", "video": "Zoom", "in_person": "coffee near your office"}
    chosen = [words[m] for m in media if m in words] or ["phone", "Zoom"]
    if len(chosen) == 1:
        return chosen[0]
    return ", ".join(chosen[:-1]) + " or " + chosen[-1]
