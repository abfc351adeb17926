"""The prep sheet as Markdown: the same content as the printable page, for any editor."""

from __future__ import annotations

from coffeechat.conversations.bank import CLOSING_QUESTION, logistics
from coffeechat.conversations.selectors import MeetingPrep


def _quote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in text.strip().splitlines()] + [""]


def prep_markdown(prep: MeetingPrep) -> str:
    meeting, contact, research = prep.meeting, prep.contact, prep.research
    org = contact.organization
    who = contact.name + (f", {contact.title}" if contact.title else "")
    who += f" at {org.name}" if org else ""
    lines = [f"# Coffee chat with {contact.name}", ""]
    if contact.practice:
        lines += ["*Practice conversation.*", ""]
    lines += [f"- **When:** {prep.when}", f"- **Length:** {meeting.minutes} minutes"]
    if meeting.medium:
        lines.append(f"- **How:** {meeting.medium_label}")
    if meeting.location:
        lines.append(f"- **Where:** {meeting.location}")
    if contact.phone:
        lines.append(f"- **Phone:** {contact.phone}")
    lines += ["", "## On the day", ""]
    lines += [f"- {tip}" for tip in logistics(meeting.medium)]
    lines += ["", f"## Who they are: {who}", ""]
    if research.notes:
        lines += _quote(research.notes)
    for link in research.person_links:
        lines.append(f"- [{link.title or link.get_kind_display()}]({link.url})")
    if contact.linkedin_url and all(
        link.url != contact.linkedin_url for link in research.person_links
    ):
        lines.append(f"- [LinkedIn]({contact.linkedin_url})")
    if org is not None:
        lines += ["", f"## {org.name}", ""]
        if org.website:
            lines.append(f"- Website: {org.website}")
        if research.organization_notes:
            lines += ["", *_quote(research.organization_notes)]
        for link in research.organization_links:
            lines.append(f"- [{link.title or link.get_kind_display()}]({link.url})")
    if research.to_do:
        lines += ["", "**Research still to do:** " + "; ".join(i.label for i in research.to_do)]
    lines += ["", "## My pitch", ""]
    lines += _quote(prep.pitch) if prep.pitch else ["*Write your pitch on your profile.*", ""]
    lines += ["## Questions", "", f"*{prep.fit.advice}*", ""]
    if prep.fit.warning:
        lines += [f"**{prep.fit.warning}**", ""]
    for n, item in enumerate(prep.plan, start=1):
        lines.append(f"{n}. {item.text}")
    lines.append(f"{len(prep.plan) + 1}. {CLOSING_QUESTION}")
    lines += ["", "## Notes", "", "- Advice:", "- Resources:", "- Ideas:", "- They asked me:"]
    lines += ["- Who else should I talk to:", ""]
    return "\n".join(lines)
