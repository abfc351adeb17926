"""Checks on a message draft, shown live in the composer, each with a one-line fix.

The rules come from the career centre's advice on a first outreach (introduce yourself and
why you are writing, lead with the connection, ask for a set amount of time, make it easy,
propose a few real times) and Steve Dalton's 2-Hour Job Search (fewer than 75 words, more
about them than about you, the ask as a question). Pure Python: no database, so the same
rules run in views, the API and the CLI.

Most checks read the body without its greeting line ("Hi Dana,") and its sign-off
("Thanks,\\nAlice"), so counts match what the contact reads as the message; the job-words,
thanks and LinkedIn-length checks read all of it. Text is compared lower-cased and
accent-free ("Résumé" is "resume"); any text, CJK and emoji included, gives a result rather
than an error. An unknown kind of message is a programming error (ValueError).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from coffeechat.lib.text import HONORIFICS, name_words

REQUIRED = "required"
ADVICE = "advice"

SHORT_WORDS = 100  # required: fewer than this
CONCISE_WORDS = 75  # advice: fewer than this (Dalton's 2-Hour Job Search)
LINKEDIN_CHARACTERS = 300  # LinkedIn's limit for a connection note

KINDS = (
    "request_known",
    "request_referral",
    "request_alumni",
    "request_cold",
    "request_practice",
    "nudge",
    "confirm",
    "who_else",
    "linkedin_note",
    "thank_you",
    "linkedin_connect",
    "progress_update",
    "keep_in_touch",
)


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


@dataclass(frozen=True)
class CheckContext:
    kind: str
    contact_name: str
    organization: str = ""
    title: str = ""
    referrer: str = ""
    found_how: str = ""
    student_name: str = ""
    school: str = ""


@dataclass(frozen=True)
class CheckResult:
    code: str
    ok: bool
    message: str
    fix: str
    level: str = REQUIRED


Check = Callable[[Draft, CheckContext], CheckResult]


def _result(code: str, ok: bool, message: str, fix: str, level: str = REQUIRED) -> CheckResult:
    return CheckResult(code=code, ok=ok, message=message, fix="" if ok else fix, level=level)


# --- Text: normalising, greeting and sign-off ---------------------------------------------

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "？": "?"})


def _plain(text: str) -> str:
    """Accent-free text with straight quotes, case kept (for "CV" and "Teams")."""
    text = text.translate(_QUOTES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold(text: str) -> str:
    """Lower-case, accent-free text; line breaks are kept, unlike lib.text.fold."""
    return _plain(_plain(text).casefold())


def _words_in(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern for whole words or phrases (on folded text)."""
    return re.compile(rf"(?<![\w'])(?:{pattern})(?![\w'])")


_GREETING_WORD = r"(?:hi|hello|hey|dear|greetings|hiya|good (?:morning|afternoon|evening))"
_GREETING_LINE = re.compile(rf"\s*{_GREETING_WORD}\b", re.IGNORECASE)
# "Hi Dana, I'm Alice…" on one line: the greeting is the words up to the first comma.
_GREETING_PREFIX = re.compile(
    rf"\s*{_GREETING_WORD}(?:\s+[\w.'-]+){{0,4}}\s*[,!:—–-]", re.IGNORECASE
)
_CLOSING = re.compile(
    r"\s*(?:thanks|thank you|many thanks|best|regards|kind regards|warm regards|warmly"
    r"|sincerely|cheers|gratefully|respectfully|with gratitude|talk soon|appreciatively"
    r"|all the best|yours|cordially|take care)\b"
)
_DASH_NAME = re.compile(r"\s*(?:—|–|--?)\s*[^\W\d_][^\d?]{0,40}")
_SIGN_OFF_LINES = 5  # a closing line, a name, a school, a phone: no more
_SIGN_OFF_WORDS = 8


@dataclass(frozen=True)
class _Parts:
    core: str  # the body without greeting and sign-off, accents stripped, case kept
    folded: str  # the same, lower-cased


def _sign_off_start(lines: list[str], student_name: str) -> int:
    """Index of the first sign-off line, or len(lines) when there is none."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    seen = 0
    index = end - 1
    while index >= 0 and seen < _SIGN_OFF_LINES:
        line = lines[index]
        if line.strip():
            if "?" in line or len(line.split()) > _SIGN_OFF_WORDS:
                break
            if _CLOSING.match(line.casefold()):
                return index
            seen += 1
        index -= 1
    last = lines[end - 1].strip() if end else ""
    name = " ".join(name_words(student_name))
    if last and (_DASH_NAME.fullmatch(last) or (name and _fold(last) in (name, name.split()[0]))):
        return end - 1
    return len(lines)


@lru_cache(maxsize=64)
def _parts(body: str, student_name: str = "") -> _Parts:
    lines = _plain(body).splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        line = lines[first]
        if _GREETING_LINE.match(line):
            if len(line.split()) <= 6:
                lines[first] = ""
            elif prefix := _GREETING_PREFIX.match(line):
                lines[first] = line[prefix.end() :]
    lines = lines[: _sign_off_start(lines, student_name)]
    core = "\n".join(lines).strip()
    return _Parts(core=core, folded=_fold(core))


def _parts_of(draft: Draft, context: CheckContext) -> _Parts:
    return _parts(draft.body, context.student_name)


_ABBREVIATION = re.compile(r"(?:^|\s)(?:dr|mr|mrs|ms|mx|prof|st|jr|sr|vs|etc|e\.g|i\.e|[a-z])\.$")


def _sentences(text: str) -> list[str]:
    """Sentences, paragraph by paragraph; "Dr. Lee" and "e.g. this" are not cut in two."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        for piece in re.split(r"(?<=[.!?。！…])[\"')\]]*\s+", flat):
            if sentences and sentences[-1] and _ABBREVIATION.search(sentences[-1].casefold()):
                sentences[-1] += " " + piece
            elif piece:
                sentences.append(piece)
        sentences.append("")  # a paragraph always ends a sentence
    return [s for s in sentences if s]


def word_count(text: str) -> int:
    """Words as a word processor counts them: runs between spaces with a letter or digit."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _one_line(text: str) -> str:
    """A context value as it can appear inside a one-line fix."""
    return " ".join(text.split())


def _first_name(name: str, default: str = "them") -> str:
    """ "Dr. Dana Reyes" -> "Dana", for fixes; the default when the name is unknown."""
    for word in name.split():
        if re.sub(r"\W", "", word).casefold() not in HONORIFICS and word.strip(","):
            return word.strip(",")
    return default


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _quote_list(words: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in words)


def _has_words(text: str, words: list[str]) -> bool:
    """Whether text (folded) has these words in a row, as whole words."""
    if not words:
        return False
    phrase = r"\W+".join(map(re.escape, words))
    return bool(re.search(rf"(?<!\w){phrase}(?!\w)", text))


# Words that name no one organization or role in particular: "Acme Health Inc." is "Acme".
_GENERIC = _word_set(
    "inc incorporated llc llp ltd co corp corporation company group holdings plc gmbh ag sa"
    " the of and for at in a an international global usa us na health healthcare bank labs"
    " systems solutions technologies technology services partners consulting foundation"
    " association center centre university college school institute hospital agency studio"
    " network networks senior sr junior jr lead staff principal associate assistant head"
    " chief ii iii iv intern manager director vp officer specialist coordinator career"
    " careers work"
)


# --- The rules -------------------------------------------------------------------------------

_WHO = _words_in(
    r"i'm|i am|im|my name is|my name's|student at|students at|student in|i study"
    r"|i'm studying|studying|major|majoring|minoring|grad student|graduate student"
    r"|phd student|undergrad|undergraduate|class of|alum|alumna|alumnus"
)
_PURPOSE = _words_in(
    r"learn\w*|hear about|hear more|hear how|your experience|your experiences|advice|advise"
    r"|insights?|careers?|paths?|your work|your role|your field|the field|this field"
    r"|informational interview|exploring|explore"
)


def check_introduces(draft: Draft, context: CheckContext) -> CheckResult:
    text = _parts_of(draft, context).folded
    student = name_words(context.student_name)
    says_who = bool(_WHO.search(text)) or bool(student and _has_words(text, student[:1]))
    says_why = bool(_PURPOSE.search(text))
    me = _first_name(context.student_name, default="Alex")
    school = _one_line(context.school)
    school = f"a student at {school}" if school else "a junior studying biology"
    who = f"say who you are (“I'm {me}, {school}”)"
    why = "say you'd like to learn about their work (“I'd love to hear about your path”)"
    missing = [part for part, ok in ((who, says_who), (why, says_why)) if not ok]
    fix = " and ".join(missing) + "."
    fix = fix[0].upper() + fix[1:]
    return _result(
        "introduces", says_who and says_why, "Says who you are and why you're writing", fix
    )


_JOB_WORDS = re.compile(
    r"(?<![\w'])(?:jobs?|internships?|positions?|openings?|hiring|hires?|resumes?"
    r"|employment|refer me(?!\s+to\s+(?:anyone|anybody|someone|somebody|others?|people"
    r"|colleagues?|a colleague|a friend)\b))(?![\w'-])"
)
_CV = re.compile(r"(?<![\w.])(?:CVs?|C\.V\.)(?!\w)")
# About their work, not a request for one: "how you got your job", "on the job",
# and the UX method "jobs to be done". "Hired" is left alone too: "how were you hired?"
# asks about their path.
_THEIR_JOB = re.compile(r"(?:your|their|his|her|the|current|first|on the)\s+$")
_JOBS_TO_BE_DONE = re.compile(r"s?[\s-]+to[\s-]+be[\s-]+done")


def _job_words(text: str) -> list[str]:
    folded = _fold(text)
    found: list[str] = []
    for match in _JOB_WORDS.finditer(folded):
        word = match.group(0)
        if word.startswith(("job", "position")) and (
            _THEIR_JOB.search(folded[max(0, match.start() - 20) : match.start()])
            or (word.startswith("job") and _JOBS_TO_BE_DONE.match(folded, match.start() + 3))
        ):
            continue
        found.append(word)
    found += ["CV" for _ in _CV.finditer(_plain(text))]
    return list(dict.fromkeys(found))


# Written after a conversation: quoting their advice ("apply to the summer internship")
# is not asking them for a job.
_FOLLOW_UPS = frozenset({"thank_you", "linkedin_connect", "progress_update", "keep_in_touch"})
_QUOTATION = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")


def check_not_job_ask(draft: Draft, context: CheckContext) -> CheckResult:
    body = draft.body
    if context.kind in _FOLLOW_UPS:
        body = _QUOTATION.sub(" ", body)
    words = _job_words(body)
    first = _first_name(context.contact_name)
    if not words:
        return _result("not_job_ask", True, "Doesn't ask for a job", "")
    return _result(
        "not_job_ask",
        False,
        f"Sounds like a job request: {_quote_list(words)}",
        f"Take out {_quote_list(words)}: ask to learn about {first}'s work, not for a job.",
    )


_FOUND_PHRASES = _words_in(
    r"found your|found you|came across|come across|saw your|saw you|seen your|read your"
    r"|heard you|heard your|alumni|alumnus|alumna|alum|fellow|your talk|your post|your article"
    r"|your panel|your presentation|your profile|linkedin|we met|met you|you spoke|you visited"
    r"|career fair|suggested|referred|recommended|gave me your|mentioned you|passed along"
    r"|we know each other|know each other|we worked|worked with you|you were my|you taught"
    r"|your class|it's been a while|since we|last time we"
)
_FILLER = _word_set("the a an my our your their of on at in to through via from and with for by")


def _names(text: str, person: str) -> bool:
    """Whether folded text names someone: their first name, full name or "Ms. Lastname"."""
    words = name_words(person)
    if not words:
        return False
    if _has_words(text, words[:1]) or _has_words(text, words):
        return True
    honorific = "|".join(sorted(HONORIFICS))
    return bool(re.search(rf"\b(?:{honorific})\.?\s+{re.escape(words[-1])}(?!\w)", text))


def _mentions_found_how(text: str, found_how: str) -> bool:
    words = re.findall(r"\w+", _fold(found_how))
    while words and words[0] in _FILLER:
        words = words[1:]
    if _has_words(text, words):
        return True
    distinctive = [w for w in words if w not in _FILLER and len(w) > 3]
    return any(_has_words(text, [w]) for w in distinctive if w not in _GENERIC)


def check_connection_first(draft: Draft, context: CheckContext) -> CheckResult:
    parts = _parts_of(draft, context)
    opening = _fold(" ".join(_sentences(parts.core)[:2]))
    first = _first_name(context.contact_name)
    if context.referrer.strip() or context.kind == "request_referral":
        referrer = _one_line(context.referrer)
        if not referrer:
            ok = bool(_FOUND_PHRASES.search(opening))
            return _result(
                "connection_first",
                ok,
                "Opens with who referred you",
                "Add who referred you to the contact, and name them in your first sentence.",
            )
        named_early = _names(opening, referrer)
        message = f"Opens by naming {referrer}, who referred you"
        if not named_early and _names(parts.folded, referrer):
            message = f"Names {referrer}, but not in the first two sentences"
        return _result(
            "connection_first",
            named_early,
            message,
            f"Open with the connection: “{referrer} suggested I reach out to you.”",
        )
    ok = bool(_FOUND_PHRASES.search(opening)) or (
        bool(context.found_how.strip()) and _mentions_found_how(opening, context.found_how)
    )
    how = _one_line(context.found_how)
    example = f"I found you through {how}." if how else "I came across your profile on LinkedIn."
    return _result(
        "connection_first",
        ok,
        "Opens with how you know or found them",
        f"Say how you found {first} in your first two sentences, e.g. “{example}”",
    )


_NUMBER = (
    r"\d{1,3}|five|ten|fifteen|twenty|twenty[\s-]five|thirty|forty|forty[\s-]five|sixty"
    r"|one|two"
)
_SPECIFIC_TIME = _words_in(
    rf"(?:{_NUMBER})\s*(?:-|–|—)?\s*(?:minutes?|mins?|hours?|hrs?)"
    r"|half an hour|half-hour|half hour|an hour|quarter of an hour|quarter hour"
)


def check_asks_time(draft: Draft, context: CheckContext) -> CheckResult:
    ok = bool(_SPECIFIC_TIME.search(_parts_of(draft, context).folded))
    return _result(
        "asks_time",
        ok,
        "Asks for a specific amount of time (like 20 minutes)",
        "Ask for a set amount of time, e.g. “Would you have 20 minutes to talk?”",
    )


_MEDIUM = _words_in(
    r"phone|phones|call|calls|zoom|video|google meet|microsoft teams|facetime|skype|webex"
    r"|near your office|close to your office|by your office|to your office|coffee near"
    r"|come to you|stop by"
)
_TEAMS = re.compile(r"\bTeams\b")  # the app, not "your team"; capitalised only


def check_easy_medium(draft: Draft, context: CheckContext) -> CheckResult:
    parts = _parts_of(draft, context)
    ok = bool(_MEDIUM.search(parts.folded) or _TEAMS.search(parts.core))
    first = _first_name(context.contact_name)
    return _result(
        "easy_medium",
        ok,
        "Offers an easy way to talk (phone, Zoom, or near their office)",
        f"Make it easy: offer a phone or Zoom call, or to meet near {first}'s office.",
    )


# Times: a day (weekday, month and day, a numeric date, "tomorrow") together with a clock
# time, a range or a part of the day. One slot label, "Tue, Dec 1, 10:00–10:20 AM CST
# (11:00 AM EST)", is one time: the day's parts merge and the conversion in brackets is
# skipped.
_MONTH = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_AMPM = r"[ap]\.?m\b\.?"
_CLOCK = rf"(?:[01]?\d|2[0-3])(?::[0-5]\d)?(?:\s*{_AMPM})?(?!\d)"
_WHEN = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d\d-\d\d)(?:[t\s]+(?P<iso_time>\d\d?:\d\d))?"
    rf"|(?P<numeric>\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b)"
    rf"|(?P<month_day>\b(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?![\d:]))"
    rf"|(?P<day_month>\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})\b\.?)"
    r"|(?P<weekday>\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs"
    r"|thur|mon|tue|wed|thu|fri|sat|sun|tomorrow)\b\.?)"
    rf"|(?P<time>(?<![\w:/.]){_CLOCK}(?:\s*(?:-|–|—|to|until|till)\s*{_CLOCK})?)"
    r"|(?P<noon>\bnoon\b)"
    r"|(?P<part>\b(?:morning|afternoon|evening|lunch(?:time)?)\b)"
)
_FULL_WEEKDAY = re.compile(r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|thurs")
# "Tue" and "Sat" also spell words ("I sat in…"): a short form needs a date or time after it.
_AFTER_SHORT_WEEKDAY = re.compile(rf"[\s,]*(?:\d|(?:{_MONTH})\b|at\b|@)")
_WHEN_GROUPS = ("iso", "numeric", "month_day", "day_month", "weekday", "time", "noon", "part")
# "10:00 AM CST (11:00 AM EST)": the time again in their zone, maybe on another day.
_CONVERSION = re.compile(r"(?:\s*[a-z]{1,5}[+\-\d:]*){0,2}\s*\([^()\n]{0,80}\)")


@dataclass(frozen=True)
class _When:
    kind: str  # "day", "time" or "part"
    key: str
    start: int
    end: int


def _when_tokens(text: str) -> list[_When]:
    tokens: list[_When] = []
    skip_to = 0
    for match in _WHEN.finditer(text):
        if match.start() < skip_to:
            continue
        group = next(name for name in _WHEN_GROUPS if match.group(name) is not None)
        token = " ".join(match.group(0).replace(".", "").split())
        if group == "iso":
            tokens.append(_When("day", match.group("iso"), match.start(), match.end()))
            if match.group("iso_time"):
                tokens.append(_When("time", match.group("iso_time"), match.start(), match.end()))
        elif group == "weekday":
            short = not _FULL_WEEKDAY.match(token) and token != "tomorrow"
            if short and not _AFTER_SHORT_WEEKDAY.match(text, match.end()):
                continue
            key = token if token == "tomorrow" else token[:3]
            tokens.append(_When("day", key, match.start(), match.end()))
        elif group in ("numeric", "month_day", "day_month"):
            tokens.append(_When("day", token, match.start(), match.end()))
        elif group in ("time", "noon"):
            if group == "time" and ":" not in token and not re.search(_AMPM, token):
                continue  # "at 2" or "20 minutes": not a clock time
            key = "12pm" if group == "noon" else re.sub(r"[\s.]", "", token).replace("–", "-")
            tokens.append(_When("time", key, match.start(), match.end()))
            if conversion := _CONVERSION.match(text, match.end()):
                skip_to = conversion.end()
        else:
            tokens.append(_When("part", token, match.start(), match.end()))
    return tokens


def proposed_times(text: str) -> list[str]:
    """The distinct times a message proposes, as "day time" keys, in order.

    A time needs a day: "Tuesday at 2pm", "Tue, Dec 1, 10:00–10:20 AM", "Dec 3 at 10:30",
    "2025-12-03 10:30", "10am on Friday", "Thursday afternoon". A bare "2pm" (which day?) or
    "Monday" (what time?) is not a proposal.
    """
    folded = _fold(text)
    merged: list[_When] = []
    for token in _when_tokens(folded):
        previous = merged[-1] if merged else None
        if (
            previous
            and previous.kind == token.kind == "day"
            and re.fullmatch(r"[\s,]*", folded[previous.end : token.start])
        ):
            merged[-1] = _When("day", f"{previous.key} {token.key}", previous.start, token.end)
        else:
            merged.append(token)
    clock: list[str] = []
    parts: list[tuple[str, str]] = []
    day: str | None = None
    for index, token in enumerate(merged):
        if token.kind == "day":
            day = token.key
            continue
        following = merged[index + 1] if index + 1 < len(merged) else None
        if following is not None and following.kind == "day":
            gap = folded[token.end : following.start]
            # "10am on Friday" (or "10am, Friday" when no day came before) names its day after.
            if re.fullmatch(r"\s*,?\s*on\s+(?:the\s+)?", gap) or (
                day is None and re.fullmatch(r"\s*,?\s*", gap)
            ):
                day = following.key
        if day is None:
            continue
        if token.kind == "time":
            clock.append(f"{day} {token.key}")
        else:
            parts.append((day, token.key))
    days_with_clock = {slot.rsplit(" ", 1)[0] for slot in clock}
    found = clock + [f"{d} {p}" for d, p in parts if d not in days_with_clock]
    return list(dict.fromkeys(found))


def _check_times(draft: Draft, context: CheckContext, *, code: str, minimum: int) -> CheckResult:
    count = len(proposed_times(_parts_of(draft, context).core))
    if minimum == 1:
        message = "Names the time you agreed on"
        fix = "Name the time, e.g. “Tuesday, Dec 1 at 10:00 AM works for me.”"
    else:
        message = f"Proposes at least {minimum} specific times ({count} found)"
        fix = "Offer two or three specific times, e.g. “Tue, Dec 1, 10 AM or Wed, Dec 2, 2 PM”."
    return _result(code, count >= minimum, message, fix)


def check_proposes_times(draft: Draft, context: CheckContext) -> CheckResult:
    return _check_times(draft, context, code="proposes_times", minimum=2)


def check_names_a_time(draft: Draft, context: CheckContext) -> CheckResult:
    return _check_times(draft, context, code="names_a_time", minimum=1)


_QUESTION = re.compile(r"\?(?![\w=&/])")  # not the "?" in a web address
_BULLET = re.compile(r"\s*(?:[-*•·]|\d+[.)])\s")


_STARTS_WITH_DAY = re.compile(
    rf"\s*(?:[-*•·]\s*|\d+[.)]\s+)?(?:\d|(?:{_MONTH}|mon|tue|wed|thu|fri|sat|sun|tomorrow)\b)"
)


def _is_time_line(line: str) -> bool:
    """ "Tue, Dec 1, 10:00–10:20 AM CST" on a line of its own: a list item, not prose."""
    folded = _fold(line)
    return "?" not in line and bool(_STARTS_WITH_DAY.match(folded) and proposed_times(folded))


def _is_time_list(paragraph: str) -> bool:
    """A paragraph of proposed times or bullets under the ask, not the ask itself."""
    lines = [line for line in paragraph.splitlines() if line.strip()]
    return bool(lines) and all(
        "?" not in line and (_BULLET.match(line) or _is_time_line(line)) for line in lines
    )


def _prose_words(draft: Draft, context: CheckContext) -> int:
    """Words the contact reads as the message: no greeting, sign-off or list of times."""
    lines = _parts_of(draft, context).core.splitlines()
    return word_count("\n".join(line for line in lines if not _is_time_line(line)))


def check_ends_with_question(draft: Draft, context: CheckContext) -> CheckResult:
    """The last paragraph before the sign-off (after any list of times) asks a question."""
    paragraphs = [p for p in re.split(r"\n\s*\n", _parts_of(draft, context).core) if p.strip()]
    while len(paragraphs) > 1 and _is_time_list(paragraphs[-1]):
        paragraphs.pop()
    ok = bool(paragraphs) and bool(_QUESTION.search(paragraphs[-1]))
    return _result(
        "ends_with_question",
        ok,
        "Ends with the ask as a question",
        "End with your ask as a question: “Would one of these times work for you?”",
    )


def check_short(draft: Draft, context: CheckContext) -> CheckResult:
    count = _prose_words(draft, context)
    first = _first_name(context.contact_name)
    ok = count < SHORT_WORDS
    return _result(
        "short",
        ok,
        f"{count} words — {'under' if ok else 'keep it under'} {SHORT_WORDS}",
        f"Cut {count - SHORT_WORDS + 1} words: keep who you are, why {first}, and the ask.",
    )


def check_concise(draft: Draft, context: CheckContext) -> CheckResult:
    count = _prose_words(draft, context)
    ok = count < CONCISE_WORDS
    return _result(
        "concise",
        ok,
        f"{count} words — {'under' if ok else 'short notes get more replies: aim for under'} "
        f"{CONCISE_WORDS}",
        f"Trim {count - CONCISE_WORDS + 1} more words if you can.",
        level=ADVICE,
    )


_YOU = re.compile(r"(?<![\w'])(?:you|your|yours|yourself|yourselves)(?:'(?:re|ve|d|ll))?(?!\w)")
_ME = re.compile(r"(?<![\w'])(?:i(?:'(?:m|ve|d|ll))?|me|my|mine|myself)(?![\w']|\.e\.)")


def check_about_them(draft: Draft, context: CheckContext) -> CheckResult:
    text = _parts_of(draft, context).folded
    you, me = len(_YOU.findall(text)), len(_ME.findall(text))
    first = _first_name(context.contact_name)
    return _result(
        "about_them",
        you >= me,
        f"More about them than you: “you” {you} times, “I/me/my” {me} times",
        f"Turn a sentence about you toward {first}, e.g. “I'd love to hear how you got started.”",
    )


def check_has_subject(draft: Draft, context: CheckContext) -> CheckResult:
    if referrer := _one_line(context.referrer):
        example = f"{referrer} suggested I contact you"
    elif organization := _one_line(context.organization):
        example = f"A student's question about your work at {organization}"
    else:
        example = "A student's question about your work"
    return _result(
        "has_subject",
        bool(draft.subject.strip()),
        "Has a subject line",
        f"Add a subject line, e.g. “{example}”.",
    )


def _stem(word: str) -> str:
    """ "researcher" and "research", "designers" and "design": the same word here."""
    stemmed = ""
    while stemmed != word:
        stemmed = word
        for suffix in ("ers", "ing", "er", "s"):
            if len(word) - len(suffix) >= 4 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
    return word


def _mentions(text: str, name: str) -> bool:
    folded = _fold(name)
    words = re.findall(r"\w+", folded)
    if _has_words(text, words):
        return True
    distinctive = {_stem(w) for w in words if len(w) > 1 and w not in _GENERIC}
    return bool(distinctive & {_stem(w) for w in re.findall(r"\w+", text)})


def check_personalised(draft: Draft, context: CheckContext) -> CheckResult:
    organization = _one_line(context.organization)
    title = _one_line(context.title)
    message = "Mentions their organization or role"
    if not organization and not title:
        return _result(
            "personalised",
            False,
            message,
            "Add their organization or role to the contact, and mention it.",
        )
    text = _parts_of(draft, context).folded
    ok = any(_mentions(text, name) for name in (organization, title) if name)
    example = f"your work at {organization}" if organization else f"your work as {title}"
    return _result(
        "personalised",
        ok,
        message,
        f"Say why them: “I'd love to hear about {example}.”",
    )


_THANKS = _words_in(r"thanks|thank|thank you|thankful|appreciate\w*|grateful")


def check_thanks(draft: Draft, context: CheckContext) -> CheckResult:
    # The whole body: "Thanks,\nAlice" as a sign-off is a thank-you too.
    ok = bool(_THANKS.search(_fold(draft.body)))
    first = _first_name(context.contact_name)
    return _result(
        "thanks",
        ok,
        "Thanks them",
        f"Thank {first}, e.g. “Thank you for making the time.”",
    )


_WHO_ELSE = _words_in(
    r"anyone else|anybody else|someone else|somebody else|who else|suggest anyone"
    r"|know anyone|know anybody|know someone|recommend anyone|recommend someone"
    r"|other people|point me to|introduce me to|connect me with"
)


def check_asks_who_else(draft: Draft, context: CheckContext) -> CheckResult:
    ok = bool(_WHO_ELSE.search(_parts_of(draft, context).folded))
    field = _one_line(context.title) or "this field"
    return _result(
        "asks_who_else",
        ok,
        "Asks if they know anyone else you could talk to",
        f"Ask “Do you know anyone else in {field} I could talk to?”",
    )


_REPROACH = _words_in(
    r"ignored|ignoring|no (?:reply|response|answer)|(?:didn't|did not|haven't|have not|never)"
    r" (?:replied|reply|responded|respond|answered|answer|heard back|hear back|heard from you"
    r"|got back|get back)"
)


def check_polite_nudge(draft: Draft, context: CheckContext) -> CheckResult:
    found = list(
        dict.fromkeys(m.group(0) for m in _REPROACH.finditer(_parts_of(draft, context).folded))
    )
    return _result(
        "polite_nudge",
        not found,
        "Follows up without pointing at their silence",
        f"Leave out {_quote_list(found)}: try “I wanted to follow up on my note below.”",
        level=ADVICE,
    )


def check_fits_linkedin(draft: Draft, context: CheckContext) -> CheckResult:
    count = len(draft.body.strip())
    return _result(
        "fits_linkedin",
        count <= LINKEDIN_CHARACTERS,
        f"{count} of {LINKEDIN_CHARACTERS} characters (LinkedIn's limit for a note)",
        f"Cut {count - LINKEDIN_CHARACTERS} characters: keep the connection, who you are "
        "and the ask.",
    )


_BRACKETS = re.compile(r"\[[^\]\n]{2,120}\]")


def check_no_blanks(draft: Draft, context: CheckContext) -> CheckResult:
    """A follow-up draft leaves [blanks] for what only the student knows."""
    found = _BRACKETS.findall(draft.body)
    return _result(
        "no_blanks",
        not found,
        "Every [blank] is filled in",
        f"Replace {found[0] if found else ''} with your own words.",
    )


# Words that point at one thing they said; "thanks for your time and advice" does not.
_POINTS_AT = _words_in(
    r"(?:advice|tips?|suggestions?|ideas?|pointers?|recommendations?|insights?|stor(?:y|ies))"
    r"\s+(?:to|about|on|that|of|for|regarding)"
    r"|you\s+(?:suggested|recommended|mentioned|said|shared|explained|described|pointed"
    r"|introduced|told|showed|taught|gave|sent|offered)"
    r"|(?:told|taught|showed|introduc\w*|point\w*|connect\w*)\s+me"
    r"|(?:learned|learnt)\s+(?:that|about|how|what|why|to)"
)
# A quotation of their words (curly quotes are straightened by _plain).
_QUOTED = re.compile(r'"[^"\n]*\w[^"\n]*\w[^"\n]*"')


def check_specific(draft: Draft, context: CheckContext) -> CheckResult:
    """A thank-you that names one thing they said is remembered; a generic one is not.

    Naming advice in general ("thanks for your time and advice", "I learned a lot") is
    not enough: a quote, "your advice to …" or "the book you recommended" is.
    """
    parts = _parts_of(draft, context)
    ok = bool(_POINTS_AT.search(parts.folded) or _QUOTED.search(parts.core))
    return _result(
        "specific",
        ok,
        "Names something specific they told you",
        "Quote one piece of advice or a resource from your notes: “I especially appreciated "
        "your advice to …”.",
    )


# --- Which rules apply ----------------------------------------------------------------------

_REQUEST: list[Check] = [
    check_has_subject,
    check_introduces,
    check_connection_first,
    check_asks_time,
    check_easy_medium,
    check_proposes_times,
    check_ends_with_question,
    check_not_job_ask,
    check_personalised,
    check_about_them,
    check_short,
    check_concise,
]
_BY_KIND: dict[str, list[Check]] = {
    "nudge": [
        check_has_subject,
        check_ends_with_question,
        check_not_job_ask,
        check_polite_nudge,
        check_short,
        check_concise,
    ],
    "confirm": [check_names_a_time, check_easy_medium, check_thanks],
    "who_else": [
        check_thanks,
        check_asks_who_else,
        check_ends_with_question,
        check_not_job_ask,
        check_short,
        check_concise,
    ],
    "thank_you": [check_thanks, check_specific, check_no_blanks, check_not_job_ask, check_short],
    "linkedin_connect": [check_fits_linkedin, check_thanks, check_no_blanks, check_not_job_ask],
    "progress_update": [
        check_thanks,
        check_specific,
        check_no_blanks,
        check_not_job_ask,
        check_short,
    ],
    "keep_in_touch": [check_has_subject, check_no_blanks, check_not_job_ask, check_short],
    "linkedin_note": [
        check_fits_linkedin,
        check_introduces,
        check_connection_first,
        check_not_job_ask,
        check_personalised,
    ],
}


def checks_for(kind: str) -> list[Check]:
    """The rules for a kind of message, in the order the composer lists them."""
    if kind.startswith("request_"):
        return list(_REQUEST)
    if kind in _BY_KIND:
        return list(_BY_KIND[kind])
    raise ValueError(f"No checks for messages of kind {kind!r}")


def checks_run(draft: Draft, context: CheckContext) -> list[CheckResult]:
    return [check(draft, context) for check in checks_for(context.kind)]
