"""The dashboard: what the student's outreach adds up to, as numbers the pictures are drawn from.

Everything is read in a fixed number of queries (contacts, the requests and thank-yous sent,
the replies, the conversations held) into one `Person` per contact, then folded by pure
functions, so a test can build people by hand and check every count. Practice contacts
(friends and family to rehearse with) are left out of every number and counted on their own:
a practice run is not a stranger who said yes.

A person's stage is cumulative, as in the guide's walk: someone met was reached out to and
answered, even when the request or the reply was never logged here (a meeting agreed in the
corridor), so each step of the funnel is part of the one before it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from coffeechat.followups.rules import Clock, add_months
from coffeechat.followups.selectors import clock_for
from coffeechat.lib.businessdays import business_days_between
from coffeechat.network.models import Contact, Source
from coffeechat.outreach.models import Kind, Meeting, MeetingStatus, Message, Reply
from coffeechat.outreach.waiting import RESPONDER_HELP, RESPONDER_LABELS, Responder, responder

LISTED, REACHED, REPLIED, MET, THANKED = range(5)
STEP_LABELS = ("People listed", "Reached out", "Replied", "Met", "Thanked")
STEP_HELP = (
    "Everyone on your list (practice contacts aside).",
    "A request was sent (or they got further).",
    "They answered: yes, no or someone else to ask.",
    "A conversation marked done.",
    "A thank-you sent after the conversation.",
)
MONTHS_SHOWN = 12
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Person:
    """What the dashboard needs about one contact; times are aware datetimes."""

    id: int
    key: str
    name: str
    source: str = ""
    practice: bool = False
    referred_by: int | None = None
    first_request: dt.datetime | None = None
    replies: tuple[dt.datetime, ...] = ()  # received, oldest first
    conversations: tuple[dt.datetime, ...] = ()  # starts of the meetings marked done
    thanked: bool = False  # a thank-you sent at or after a conversation's start

    @property
    def stage(self) -> int:
        if self.conversations:
            return THANKED if self.thanked else MET
        if self.replies:
            return REPLIED
        return REACHED if self.first_request is not None else LISTED

    @property
    def first_reply_to_request(self) -> dt.datetime | None:
        """The first reply received at or after the first request."""
        if self.first_request is None:
            return None
        return next((r for r in self.replies if r >= self.first_request), None)


# --- The funnel and the response numbers ---------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    label: str
    help: str
    count: int
    previous: int | None  # the step before's count; None for the first step
    first: int  # the first step's count, the bars' full width
    previous_label: str = ""

    @property
    def percent_of_previous(self) -> int | None:
        if self.previous is None or not self.previous:
            return None
        return round(100 * self.count / self.previous)

    @property
    def width(self) -> float:
        """The bar's length in percent of the first step's."""
        return round(100 * self.count / self.first, 1) if self.first else 0.0


def counted(people: Iterable[Person]) -> list[Person]:
    """The people the numbers are about: practice contacts aside."""
    return [p for p in people if not p.practice]


def funnel(people: Iterable[Person]) -> list[FunnelStep]:
    """listed → reached out → replied → met → thanked, each counting those at it or beyond."""
    stages = [p.stage for p in counted(people)]
    counts = [sum(1 for s in stages if s >= step) for step in range(len(STEP_LABELS))]
    return [
        FunnelStep(
            label=STEP_LABELS[step],
            help=STEP_HELP[step],
            count=counts[step],
            previous=counts[step - 1] if step else None,
            first=counts[0],
            previous_label=STEP_LABELS[step - 1] if step else "",
        )
        for step in range(len(STEP_LABELS))
    ]


def response_rate(people: Iterable[Person]) -> float | None:
    """Replied / reached out, as a fraction; None before anyone was reached out to."""
    stages = [p.stage for p in counted(people)]
    reached = sum(1 for s in stages if s >= REACHED)
    replied = sum(1 for s in stages if s >= REPLIED)
    return replied / reached if reached else None


def reply_business_days(people: Iterable[Person], clock: Clock) -> list[int]:
    """Business days from each first request to its first reply, in the student's dates."""
    days = []
    for person in counted(people):
        reply = person.first_reply_to_request
        if reply is None or person.first_request is None:
            continue
        days.append(
            business_days_between(clock.day(person.first_request), clock.day(reply), clock.country)
        )
    return days


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class ResponderCount:
    kind: Responder
    count: int

    @property
    def label(self) -> str:
        return RESPONDER_LABELS[self.kind]

    @property
    def help(self) -> str:
        return RESPONDER_HELP[self.kind]


def responder_counts(people: Iterable[Person], clock: Clock) -> list[ResponderCount]:
    """Steve Dalton's Boosters, Obligates and Curmudgeons among the people asked.

    Someone met without a logged reply answered somehow, but not on a date we know: left out.
    """
    found: Counter[Responder] = Counter()
    for person in counted(people):
        if person.first_request is None:
            continue
        reply = person.first_reply_to_request
        if reply is None and person.stage >= REPLIED:
            continue
        kind = responder(
            sent=clock.day(person.first_request),
            replied=clock.day(reply) if reply is not None else None,
            today=clock.today,
            country=clock.country,
        )
        if kind is not None:
            found[kind] += 1
    return [ResponderCount(kind, found[kind]) for kind in Responder]


# --- Conversations per month ---------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    first: dt.date  # the month's first day
    count: int

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"

    @property
    def short(self) -> str:
        return f"{self.first:%b}"


def conversations_by_month(
    people: Iterable[Person], clock: Clock, months: int = MONTHS_SHOWN
) -> list[Month]:
    """Conversations held in each of the last `months` months (this one included), oldest
    first, by the date they started in the student's time zone."""
    this_month = clock.today.replace(day=1)
    firsts = [add_months(this_month, offset) for offset in range(1 - months, 1)]
    counts: Counter[dt.date] = Counter(
        clock.day(start).replace(day=1) for p in counted(people) for start in p.conversations
    )
    return [Month(first, counts[first]) for first in firsts]


# --- Sources --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    value: str
    label: str
    listed: int
    reached: int
    met: int  # people
    conversations: int

    @property
    def met_percent(self) -> int:
        return round(100 * self.met / self.listed) if self.listed else 0


def source_rows(people: Iterable[Person]) -> list[SourceRow]:
    """Per way of knowing someone (the guide's sources): who was listed, asked and met.

    Sorted by conversations, so the sources that work for this student come first.
    """
    labels = dict(Source.choices)
    grouped: dict[str, list[Person]] = defaultdict(list)
    for person in counted(people):
        grouped[person.source if person.source in labels else ""].append(person)
    rows = [
        SourceRow(
            value=value,
            label=str(labels.get(value, NOT_RECORDED)),
            listed=len(found),
            reached=sum(1 for p in found if p.stage >= REACHED),
            met=sum(1 for p in found if p.stage >= MET),
            conversations=sum(len(p.conversations) for p in found),
        )
        for value, found in grouped.items()
    ]
    rows.sort(key=lambda r: (-r.conversations, -r.met, -r.reached, -r.listed, r.label))
    return rows


# --- The referral network -------------------------------------------------------------------


@dataclass
class Node:
    """One person in the referral forest, with what their referrals led to."""

    person: Person
    depth: int  # 1 for a first contact (a root)
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    led_directly: int = 0  # conversations with the people they referred
    led_in_all: int = 0  # ... and with everyone further down the chain
    loop: bool = False  # a root only because a referral loop was cut here

    @property
    def conversations(self) -> int:
        """Conversations with this person, practice runs aside."""
        return 0 if self.person.practice else len(self.person.conversations)

    @property
    def met(self) -> bool:
        return bool(self.person.conversations)


@dataclass
class Network:
    roots: list[Node]
    nodes: list[Node]  # every node, depth first (a parent before its children)

    @property
    def depth(self) -> int:
        return max((n.depth for n in self.nodes), default=0)

    @property
    def referrers(self) -> list[Node]:
        return [n for n in self.nodes if n.children]


def _walk(root: Node, by_parent: dict[int, list[Person]], seen: set[int]) -> list[Node]:
    """The root and everyone below it, depth first; iterative, so a long chain cannot hit
    the recursion limit, and `seen` stops a loop from being walked twice."""
    order: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        below = [c for c in by_parent.get(node.person.id, []) if c.id not in seen]
        for child in below:
            seen.add(child.id)
            node.children.append(Node(child, node.depth + 1, parent=node))
        stack.extend(reversed(node.children))
    return order


def _loop_member(start: Person, by_id: dict[int, Person]) -> Person:
    """Follow referred_by up from `start` until a person comes round again: they are in
    the loop (A referred by B, B referred by A) that kept everyone here from a root."""
    seen: set[int] = set()
    person = start
    while person.id not in seen:
        seen.add(person.id)
        parent = by_id.get(person.referred_by) if person.referred_by is not None else None
        if parent is None:
            return person
        person = parent
    return person


def referral_network(people: Iterable[Person]) -> Network:
    """Who led to whom: a forest from the first contacts who referred someone.

    The edges are `Contact.referred_by` (a conversation's referrals and a "referred me"
    reply set it too). A referral loop has no first contact; it is cut at one of its
    members, who is drawn as a root and marked.
    """
    by_id = {p.id: p for p in people}
    by_parent: dict[int, list[Person]] = defaultdict(list)
    for person in by_id.values():
        parent = person.referred_by
        if parent is not None and parent != person.id and parent in by_id:
            by_parent[parent].append(person)
    for children in by_parent.values():
        children.sort(key=lambda p: (p.name.casefold(), p.id))

    def has_parent(person: Person) -> bool:
        return person.referred_by in by_parent and person.referred_by != person.id

    in_network = sorted(
        (p for p in by_id.values() if p.id in by_parent or has_parent(p)),
        key=lambda p: (p.name.casefold(), p.id),
    )
    roots: list[Node] = []
    nodes: list[Node] = []
    seen: set[int] = set()
    for person in in_network:
        if not has_parent(person):
            seen.add(person.id)
            root = Node(person, 1)
            roots.append(root)
            nodes.extend(_walk(root, by_parent, seen))
    for person in in_network:
        if person.id in seen:
            continue
        start = _loop_member(person, by_id)
        seen.add(start.id)
        root = Node(start, 1, loop=True)
        roots.append(root)
        nodes.extend(_walk(root, by_parent, seen))
    for node in reversed(nodes):  # children before their parent
        node.led_directly = sum(c.conversations for c in node.children)
        node.led_in_all = sum(c.conversations + c.led_in_all for c in node.children)
    return Network(roots, nodes)


# --- Reading the rows -----------------------------------------------------------------------


def people_of(owner: Any) -> list[Person]:
    """One Person per contact of the owner, in four queries whatever the number of people."""
    first_request: dict[int, dt.datetime] = {}
    thanks: dict[int, list[dt.datetime]] = defaultdict(list)
    sent = Message.objects.filter(owner=owner, sent_at__isnull=False).filter(
        Q(kind__startswith="request_") | Q(kind=Kind.THANK_YOU)
    )
    for contact_id, kind, sent_at in sent.values_list("contact_id", "kind", "sent_at"):
        if sent_at is None:  # excluded by the query; tells the type checker so
            continue
        if kind == Kind.THANK_YOU:
            thanks[contact_id].append(sent_at)
        elif contact_id not in first_request or sent_at < first_request[contact_id]:
            first_request[contact_id] = sent_at
    replies: dict[int, list[dt.datetime]] = defaultdict(list)
    for contact_id, received_at in Reply.objects.filter(owner=owner).values_list(
        "contact_id", "received_at"
    ):
        replies[contact_id].append(received_at)
    conversations: dict[int, list[dt.datetime]] = defaultdict(list)
    for contact_id, start in Meeting.objects.filter(
        owner=owner, status=MeetingStatus.DONE
    ).values_list("contact_id", "start"):
        conversations[contact_id].append(start)

    people = []
    for pk, key, name, source, practice, referred_by in (
        Contact.objects.filter(owner=owner)
        .order_by("sort_name", "id")
        .values_list("id", "uuid", "name", "source", "practice", "referred_by_id")
    ):
        held = sorted(conversations.get(pk, []))
        people.append(
            Person(
                id=pk,
                key=str(key),
                name=name,
                source=source,
                practice=practice,
                referred_by=referred_by,
                first_request=first_request.get(pk),
                replies=tuple(sorted(replies.get(pk, []))),
                conversations=tuple(held),
                thanked=bool(held) and any(t >= held[0] for t in thanks.get(pk, [])),
            )
        )
    return people


@dataclass
class Dashboard:
    clock: Clock
    funnel: list[FunnelStep]
    response_rate: float | None
    reply_days: list[int]
    responders: list[ResponderCount]
    months: list[Month]
    network: Network
    sources: list[SourceRow]
    practice_people: int
    practice_conversations: int

    @property
    def median_reply_days(self) -> float | None:
        return median(self.reply_days)

    @property
    def median_reply_text(self) -> str:
        """ "1.5", "2": the median as it reads in a sentence."""
        found = self.median_reply_days
        if found is None:
            return ""
        return f"{found:.1f}".removesuffix(".0")

    @property
    def response_percent(self) -> int | None:
        return round(100 * self.response_rate) if self.response_rate is not None else None

    @property
    def conversations_in_months(self) -> int:
        return sum(m.count for m in self.months)

    @property
    def is_empty(self) -> bool:
        """Nobody listed (practice aside) and no conversation held: nothing to draw yet."""
        return not self.funnel[LISTED].count and not self.practice_conversations


def dashboard_for(owner: Any, now: dt.datetime | None = None) -> Dashboard:
    """The owner's dashboard, in a fixed number of queries."""
    clock = clock_for(owner, now or timezone.now())
    people = people_of(owner)
    practice = [p for p in people if p.practice]
    return Dashboard(
        clock=clock,
        funnel=funnel(people),
        response_rate=response_rate(people),
        reply_days=reply_business_days(people, clock),
        responders=responder_counts(people, clock),
        months=conversations_by_month(people, clock),
        network=referral_network(people),
        sources=source_rows(people),
        practice_people=len(practice),
        practice_conversations=sum(len(p.conversations) for p in practice),
    )
