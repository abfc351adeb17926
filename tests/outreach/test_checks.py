"""The composer's message checks: each rule on good and bad wording, and the full set per kind."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coffeechat.outreach.checks import (
    KINDS,
    CheckContext,
    CheckResult,
    Draft,
    check_about_them,
    check_asks_time,
    check_asks_who_else,
    check_concise,
    check_connection_first,
    check_easy_medium,
    check_ends_with_question,
    check_fits_linkedin,
    check_has_subject,
    check_introduces,
    check_names_a_time,
    check_not_job_ask,
    check_personalised,
    check_polite_nudge,
    check_proposes_times,
    check_short,
    check_thanks,
    checks_for,
    checks_run,
    proposed_times,
    word_count,
)

REFERRAL = CheckContext(
    kind="request_referral",
    contact_name="Dana Reyes",
    organization="Acme Health",
    title="UX Researcher",
    referrer="Jordan Lee",
    student_name="Alice Student",
    school="Midwest State",
)
COLD = dataclasses.replace(
    REFERRAL, kind="request_cold", referrer="", found_how="the alumni network"
)

# What a student would send after a referral: every rule passes, in under 75 words.
GOOD_SUBJECT = "Jordan Lee suggested I contact you"
GOOD_BODY = """Hi Dana,

Jordan Lee suggested I reach out to you. I'm Alice, a junior at Midwest State studying \
psychology, and I'd love to hear how you found your way into UX research at Acme Health.

Would you have 20 minutes for a phone or Zoom call? These times are open for me:
Tue, Dec 1, 10:00–10:20 AM CST (11:00 AM EST)
Wed, Dec 2, 2:00–2:20 PM CST (3:00 PM EST)
Would one of them work for you?

Thank you,
Alice Student"""
GOOD = Draft(subject=GOOD_SUBJECT, body=GOOD_BODY)


def body(text: str) -> Draft:
    return Draft(subject=GOOD_SUBJECT, body=text)


def failing(draft: Draft, context: CheckContext = REFERRAL) -> set[str]:
    return {result.code for result in checks_run(draft, context) if not result.ok}


def mutated(old: str, new: str) -> Draft:
    assert old in GOOD_BODY, old
    return body(GOOD_BODY.replace(old, new))


# --- The composed message and its one-rule mutations -----------------------------------------


def test_good_request_passes_every_check() -> None:
    results = checks_run(GOOD, REFERRAL)
    assert [r for r in results if not r.ok] == []
    assert all(r.fix == "" for r in results)
    assert {r.code for r in results} == {
        "has_subject",
        "introduces",
        "connection_first",
        "asks_time",
        "easy_medium",
        "proposes_times",
        "ends_with_question",
        "not_job_ask",
        "personalised",
        "about_them",
        "short",
        "concise",
    }


def test_good_request_counts_its_prose_only() -> None:
    # Greeting, sign-off and the list of times are left out: 57 words of prose.
    assert check_short(GOOD, REFERRAL).message == "57 words — under 100"


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        (Draft(subject="  ", body=GOOD_BODY), "has_subject"),
        (
            mutated(
                "I'd love to hear how you found your way into",
                "I admire what you do in",
            ),
            "introduces",
        ),
        (
            # The referrer is named, but only after the ask.
            body(
                GOOD_BODY.replace("Jordan Lee suggested I reach out to you. ", "").replace(
                    "These times", "Jordan Lee suggested I reach out to you. These times"
                )
            ),
            "connection_first",
        ),
        (mutated("20 minutes", "a few minutes"), "asks_time"),
        (mutated("for a phone or Zoom call?", "to talk?"), "easy_medium"),
        (mutated("Wed, Dec 2, 2:00–2:20 PM CST (3:00 PM EST)\n", ""), "proposes_times"),
        (
            body(
                GOOD_BODY.replace(
                    "Would you have 20 minutes for a phone or Zoom call?",
                    "It would be great to have 20 minutes with you on a phone or Zoom call.",
                ).replace("Would one of them work for you?", "Please pick whichever suits you.")
            ),
            "ends_with_question",
        ),
        (mutated("at Acme Health.", "at Acme Health, and about internships there."), "not_job_ask"),
        (mutated("into UX research at Acme Health", "into your field"), "personalised"),
        (
            mutated(
                "I'd love to hear how you found your way into UX research at Acme Health.",
                "I'm curious about UX research at Acme Health, since I want to learn if my "
                "skills and my interests fit it.",
            ),
            "about_them",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_one_mutation_breaks_exactly_one_rule(draft: Draft, code: str) -> None:
    assert failing(draft) == {code}


def test_a_long_request_fails_short_and_the_concise_advice() -> None:
    padding = " I have read about your team's projects and followed your writing for months." * 6
    draft = mutated("at Acme Health.", "at Acme Health." + padding)
    results = {r.code: r for r in checks_run(draft, REFERRAL)}
    assert failing(draft) == {"short", "concise"}
    assert results["short"].message == "135 words — keep it under 100"
    assert results["short"].fix == "Cut 36 words: keep who you are, why Dana, and the ask."
    assert results["concise"].level == "advice"


def test_a_request_between_75_and_99_words_gets_only_the_advice() -> None:
    padding = " Your talk on accessible forms at our design club stayed with me for weeks."
    draft = mutated("at Acme Health.", "at Acme Health." + padding + padding)
    results = {r.code: r for r in checks_run(draft, REFERRAL)}
    assert failing(draft) == {"concise"}
    assert results["concise"].message.startswith("85 words")
    assert results["concise"].fix == "Trim 11 more words if you can."
    assert results["short"].ok


# --- Which checks apply to which kind ----------------------------------------------------------

REQUEST_CODES = [
    "has_subject",
    "introduces",
    "connection_first",
    "asks_time",
    "easy_medium",
    "proposes_times",
    "ends_with_question",
    "not_job_ask",
    "personalised",
    "about_them",
    "short",
    "concise",
]


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("request_known", REQUEST_CODES),
        ("request_referral", REQUEST_CODES),
        ("request_alumni", REQUEST_CODES),
        ("request_cold", REQUEST_CODES),
        ("request_practice", REQUEST_CODES),
        (
            "nudge",
            [
                "has_subject",
                "ends_with_question",
                "not_job_ask",
                "polite_nudge",
                "short",
                "concise",
            ],
        ),
        ("confirm", ["names_a_time", "easy_medium", "thanks"]),
        (
            "who_else",
            ["thanks", "asks_who_else", "ends_with_question", "not_job_ask", "short", "concise"],
        ),
        (
            "linkedin_note",
            ["fits_linkedin", "introduces", "connection_first", "not_job_ask", "personalised"],
        ),
    ],
)
def test_checks_for_each_kind(kind: str, codes: list[str]) -> None:
    context = dataclasses.replace(REFERRAL, kind=kind)
    assert [r.code for r in checks_run(GOOD, context)] == codes
    assert len(checks_for(kind)) == len(codes)


def test_every_kind_has_checks_and_an_unknown_kind_is_an_error() -> None:
    assert all(checks_for(kind) for kind in KINDS)
    with pytest.raises(ValueError, match="birthday"):
        checks_for("birthday")


def test_only_the_concise_and_polite_nudge_checks_are_advice() -> None:
    levels = {
        r.code: r.level
        for kind in KINDS
        for r in checks_run(GOOD, dataclasses.replace(REFERRAL, kind=kind))
    }
    assert {code for code, level in levels.items() if level == "advice"} == {
        "concise",
        "polite_nudge",
    }
    assert set(levels.values()) == {"required", "advice"}


# --- introduces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("I'm Alice, a junior at Midwest State, and I'd love to learn about your work.", True),
        ("My name is Alice and I would value your advice on a career in UX.", True),
        ("Alice here — a psychology major hoping to hear about your path.", True),
        ("As a student at Midwest State, I'm exploring UX research.", True),
        ("I’m Alice (curly apostrophe), curious about your experience.", True),
        # Who, but not why.
        ("I'm Alice, a junior at Midwest State.", False),
        # Why, but not who.
        ("Could I learn about your career path?", False),
        ("", False),
    ],
)
def test_introduces(text: str, ok: bool) -> None:
    assert check_introduces(body(text), REFERRAL).ok is ok


def test_introduces_fix_uses_the_students_name_and_school() -> None:
    result = check_introduces(body("Could I learn about your career path?"), REFERRAL)
    assert result.fix == "Say who you are (“I'm Alice, a student at Midwest State”)."


# --- not_job_ask ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Is Acme hiring for summer internships?", ["hiring", "internships"]),
        ("I've attached my Résumé in case there is an opening.", ["resume", "opening"]),
        ("I have attached my CV.", ["CV"]),
        ("My C.V. is attached.", ["CV"]),
        ("Could you refer me for the role?", ["refer me"]),
        ("I am looking for a job or any employment.", ["job", "employment"]),
        ("Would you hire a junior designer?", ["hire"]),
        ("Are there positions open?", ["positions"]),
        # Their work, not a job request.
        ("What is a typical day in your job?", []),
        ("What did you wish you knew on the job?", []),
        ("Your jobs-to-be-done research is great.", []),
        ("I use jobs to be done in class.", []),
        ("How were you hired at Acme?", []),
        ("Acme is well positioned in health.", []),
        ("What was your position before this one?", []),
        ("I picked up a prescription at CVS.", []),
        ("My cv is lower-case, so it is not the acronym.", []),
        ("Could you refer me to anyone else?", []),
        ("Jobless jobber", []),
    ],
)
def test_not_job_ask(text: str, words: list[str]) -> None:
    result = check_not_job_ask(body(text), REFERRAL)
    assert result.ok is (not words)
    for word in words:
        assert f"“{word}”" in result.message
        assert f"“{word}”" in result.fix
    if words:
        assert result.fix.endswith("ask to learn about Dana's work, not for a job.")


# --- connection_first -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Hi Dana,\n\nJordan Lee suggested I reach out to you. I'm Alice.", True),
        ("Hi Dana,\n\nI'm Alice, a junior. Jordan suggested I write to you.", True),
        ("Hi Dana, jordan lee told me you'd be a great person to ask.", True),
        ("Hi Dana,\n\nMy advisor, Mr. Lee, suggested I reach out.", True),
        # Named, but only in the third sentence.
        ("Hi Dana,\n\nI'm Alice. I study psychology. Jordan Lee suggested you.", False),
        ("Hi Dana,\n\nI'm Alice. I study psychology. Could we talk?", False),
        # "Jordana" is not Jordan.
        ("Hi Dana,\n\nJordana mentioned your work.", False),
    ],
)
def test_connection_first_names_the_referrer_early(text: str, ok: bool) -> None:
    assert check_connection_first(body(text), REFERRAL).ok is ok


def test_connection_first_fix_quotes_the_referrer() -> None:
    result = check_connection_first(body("Hi Dana,\n\nI'm Alice. Please talk to me."), REFERRAL)
    assert result.fix == "Open with the connection: “Jordan Lee suggested I reach out to you.”"
    assert result.message == "Opens by naming Jordan Lee, who referred you"


def test_connection_first_says_when_the_referrer_comes_too_late() -> None:
    text = "I'm Alice. I study psychology. Jordan Lee suggested you."
    assert check_connection_first(body(text), REFERRAL).message == (
        "Names Jordan Lee, but not in the first two sentences"
    )


def test_connection_first_matches_a_referrer_without_accents() -> None:
    context = dataclasses.replace(REFERRAL, referrer="José Núñez")
    assert check_connection_first(body("Jose Nunez suggested I write."), context).ok
    assert check_connection_first(body("JOSÉ suggested I write."), context).ok


def test_connection_first_applies_to_any_kind_with_a_referrer() -> None:
    context = dataclasses.replace(REFERRAL, kind="request_alumni")
    assert not check_connection_first(body("I found your profile on LinkedIn."), context).ok


def test_a_referral_without_a_recorded_referrer_asks_for_one() -> None:
    context = dataclasses.replace(REFERRAL, referrer="")
    result = check_connection_first(body("I'm Alice. Please talk to me."), context)
    assert not result.ok
    assert result.fix == (
        "Add who referred you to the contact, and name them in your first sentence."
    )
    assert check_connection_first(body("A friend referred me to you."), context).ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Hi Dana,\n\nI found you through our alumni network. I'm Alice.", True),
        ("I'm Alice, a fellow Midwest State alum. Could we talk?", True),
        ("I came across your profile on LinkedIn.", True),
        ("I loved your talk at our design club last week.", True),
        ("We met at the career fair in October.", True),
        ("I'm Alice. I study psychology. I found you on LinkedIn.", False),
        ("I'm Alice, a psychology student.", False),
    ],
)
def test_connection_first_says_how_they_were_found(text: str, ok: bool) -> None:
    assert check_connection_first(body(text), COLD).ok is ok


def test_connection_first_accepts_the_contacts_own_found_how_words() -> None:
    context = dataclasses.replace(COLD, found_how="the Midwest Women in Tech mixer")
    assert check_connection_first(body("Hi Dana, we spoke at the Tech mixer."), context).ok
    result = check_connection_first(body("I'm Alice."), context)
    assert result.fix == (
        "Say how you found Dana in your first two sentences, "
        "e.g. “I found you through the Midwest Women in Tech mixer.”"
    )


# --- asks_time --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Would you have 20 minutes?", True),
        ("Could we have a 20-minute call?", True),
        ("Would twenty minutes work?", True),
        ("Just 15 min by phone?", True),
        ("Could I have half an hour of your time?", True),
        ("Would you have a few minutes?", False),
        ("Would you have some time to talk?", False),
        ("Could we chat sometime?", False),
    ],
)
def test_asks_time(text: str, ok: bool) -> None:
    assert check_asks_time(body(text), REFERRAL).ok is ok


# --- easy_medium ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Could we talk by phone?", True),
        ("Would a quick call work?", True),
        ("Happy to use Zoom or Google Meet.", True),
        ("I can send a Teams link.", True),
        ("I'd be glad to get coffee near your office.", True),
        ("I'm happy to come to you.", True),
        ("Could we talk sometime?", False),
        # "teams" in lower case is their team, not the app.
        ("I'd love to hear how your teams work together.", False),
    ],
)
def test_easy_medium(text: str, ok: bool) -> None:
    assert check_easy_medium(body(text), REFERRAL).ok is ok


# --- proposes_times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        # Our slot labels: one time each, the conversion in brackets is not another.
        ("Tue, Dec 1, 10:00–10:20 AM CST (11:00 AM EST)", 1),
        (
            "Tue, Dec 1, 10:00–10:20 AM CST (11:00 AM EST)\n"
            "Wed, Dec 2, 2:00–2:20 PM CST (3:00 PM EST)\n"
            "Thu, Dec 3, 11:30–11:50 PM CST (Fri, Dec 4, 2:30 PM JST)",
            3,
        ),
        ("- Tue, Dec 1, 10:00 AM – 10:20 AM\n- Wed, Dec 2, 2:00 PM – 2:20 PM", 2),
        ("Would Tuesday at 2pm or Thursday at 10:30 a.m. work?", 2),
        ("I'm free Dec 3 at 10:30 or December 4th at 3 PM.", 2),
        ("How about 2025-12-03 10:30 or 2025-12-04 14:00?", 2),
        ("Tuesday at 10am or 2pm?", 2),
        ("10am on Friday or 2pm on Monday?", 2),
        ("Tuesday afternoon or Wednesday morning?", 2),
        ("Tuesday afternoon at 2pm?", 1),
        ("Tomorrow at noon or Friday at 9:15?", 2),
        ("Mon 12/1 at 10:00 or Tue 12/2 at 10:00?", 2),
        ("Tuesday at 2pm, or Tuesday at 2pm if easier.", 1),
        # Not specific: no day, no time, or neither.
        ("Would 10am or 2pm work?", 0),
        ("Tuesday or Wednesday?", 0),
        ("Any time next week works.", 0),
        ("Would you have 20 minutes at some point?", 0),
        ("I have been a fan for 12 years.", 0),
    ],
)
def test_proposed_times(text: str, count: int) -> None:
    assert len(proposed_times(text)) == count


def test_proposes_times_needs_two_and_names_a_time_needs_one() -> None:
    one = body("Would Tuesday, Dec 1 at 10:00 AM work for you?")
    two = body("Would Tuesday, Dec 1 at 10:00 AM or Wed, Dec 2 at 2 PM work for you?")
    assert not check_proposes_times(one, REFERRAL).ok
    assert check_proposes_times(one, REFERRAL).message == (
        "Proposes at least 2 specific times (1 found)"
    )
    assert check_proposes_times(two, REFERRAL).ok
    assert check_names_a_time(one, REFERRAL).ok
    assert not check_names_a_time(body("Great, that time works!"), REFERRAL).ok


# --- ends_with_question -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Hi Dana,\n\nWould you have 20 minutes?\n\nThanks,\nAlice", True),
        ("Hi Dana,\n\nWould you have 20 minutes?\n\nBest regards, Alice", True),
        ("Hi Dana,\n\nWould you have 20 minutes?\n\nThank you!\n—Alice", True),
        ("Hi Dana,\n\nWould you have 20 minutes?\n\nBest,\nAlice Student\nMidwest State '26", True),
        ("Hi Dana, would you have 20 minutes? Thank you!", True),
        # The times listed under the ask are not the ask.
        ("Would one of these work?\n\n- Tue, Dec 1, 10:00 AM\n- Wed, Dec 2, 2:00 PM", True),
        ("20分ほどお話を伺えますか？\n\nThanks,\nアリス", True),
        # A question early on, then a statement as the ask.
        ("Hi Dana,\n\nHow are you?\n\nLet me know if you have time.\n\nThanks,\nAlice", False),
        ("Hi Dana,\n\nPlease see https://example.com/?a=1\n\nThanks,\nAlice", False),
        ("Thanks,\nAlice", False),
    ],
)
def test_ends_with_question(text: str, ok: bool) -> None:
    assert check_ends_with_question(body(text), REFERRAL).ok is ok


# --- short and concise ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("one two  three\nfour", 4),
        ("I'm a 20-minute ask — really!", 5),
        ("— … !", 0),
        ("Élodie Núñez 🎓 李", 3),
    ],
)
def test_word_count(text: str, count: int) -> None:
    assert word_count(text) == count


def words(n: int) -> str:
    return "Hi Dana,\n\n" + " ".join(["word"] * n) + "?\n\nThanks,\nAlice"


@pytest.mark.parametrize(("n", "short", "concise"), [(74, True, True), (75, True, False)])
def test_concise_is_under_75_words(n: int, short: bool, concise: bool) -> None:
    assert check_short(body(words(n)), REFERRAL).ok is short
    assert check_concise(body(words(n)), REFERRAL).ok is concise


def test_short_is_under_100_words_without_greeting_and_sign_off() -> None:
    assert check_short(body(words(99)), REFERRAL).ok
    result = check_short(body(words(100)), REFERRAL)
    assert not result.ok
    assert result.message == "100 words — keep it under 100"


# --- about_them -------------------------------------------------------------------------------


def test_about_them_counts_you_against_i() -> None:
    result = check_about_them(body("I'd love to hear about your path. Would you have time?"), COLD)
    assert result.ok
    assert result.message == "More about them than you: “you” 2 times, “I/me/my” 1 times"
    result = check_about_them(body("I'm a junior and my major is psychology. I like you."), COLD)
    assert not result.ok
    assert result.message == "More about them than you: “you” 1 times, “I/me/my” 3 times"
    assert "Dana" in result.fix


def test_about_them_ignores_sign_off_and_i_e() -> None:
    text = "Hi Dana,\n\nCould you share your path, i.e. your first roles?\n\nThanks,\nI. Alice"
    assert check_about_them(body(text), COLD).message.endswith("“I/me/my” 0 times")


# --- has_subject ------------------------------------------------------------------------------


def test_has_subject() -> None:
    assert check_has_subject(GOOD, REFERRAL).ok
    result = check_has_subject(Draft(subject=" \n", body=GOOD_BODY), REFERRAL)
    assert not result.ok
    assert result.fix == "Add a subject line, e.g. “Jordan Lee suggested I contact you”."
    result = check_has_subject(Draft(subject="", body=""), COLD)
    assert (
        result.fix
        == "Add a subject line, e.g. “A student's question about your work at Acme Health”."
    )


# --- personalised -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organization", "title", "text", "ok"),
    [
        ("Acme Health Inc.", "", "I'd love to hear about your work at Acme.", True),
        ("Acme Health", "", "Your ACME HEALTH launch was great.", True),
        ("", "UX Researcher", "How did you get into UX research?", True),
        ("", "Software Engineer", "I'm curious about engineering.", True),
        ("Société Générale", "", "Your work at Societe Generale interests me.", True),
        ("Acme Health Inc.", "", "I'm interested in health care.", False),
        ("Acme Health", "UX Researcher", "I'd love to hear about your work.", False),
    ],
)
def test_personalised(organization: str, title: str, text: str, ok: bool) -> None:
    context = dataclasses.replace(COLD, organization=organization, title=title)
    assert check_personalised(body(text), context).ok is ok


def test_personalised_fix_names_the_organization_or_asks_for_one() -> None:
    result = check_personalised(body("Hello."), COLD)
    assert result.fix == "Say why them: “I'd love to hear about your work at Acme Health.”"
    unknown = dataclasses.replace(COLD, organization="", title="")
    result = check_personalised(body("Hello."), unknown)
    assert not result.ok
    assert result.fix == "Add their organization or role to the contact, and mention it."


# --- thanks, asks_who_else, polite_nudge, fits_linkedin ---------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Thank you for letting me know.", True),
        ("I appreciate your reply.", True),
        ("Great, see you then.\n\nThanks,\nAlice", True),
        ("Great, see you then.\n\nBest,\nAlice", False),
    ],
)
def test_thanks(text: str, ok: bool) -> None:
    assert check_thanks(body(text), REFERRAL).ok is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Do you know anyone else in UX I could talk to?", True),
        ("Could you suggest anyone who might chat with me?", True),
        ("Who else should I talk to?", True),
        ("No worries, maybe another time?", False),
    ],
)
def test_asks_who_else(text: str, ok: bool) -> None:
    assert check_asks_who_else(body(text), REFERRAL).ok is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("I wanted to follow up on my note below. Would 20 minutes work?", True),
        ("I haven't heard back, so I'm writing again.", False),
        ("You didn't reply to my last email.", False),
        ("I guess my note was ignored?", False),
    ],
)
def test_polite_nudge(text: str, ok: bool) -> None:
    result = check_polite_nudge(body(text), REFERRAL)
    assert result.ok is ok
    assert result.level == "advice"


def test_fits_linkedin_at_300_characters() -> None:
    assert check_fits_linkedin(body("x" * 300), REFERRAL).ok
    result = check_fits_linkedin(body("é" * 301), REFERRAL)
    assert not result.ok
    assert result.message == "301 of 300 characters (LinkedIn's limit for a note)"
    assert result.fix.startswith("Cut 1 characters")


# --- The other kinds as a student would write them --------------------------------------------

NUDGE = Draft(
    subject="Re: Jordan Lee suggested I contact you",
    body="""Hi Dana,

I know your inbox is busy, so I'm following up on my note below. Would 20 minutes by phone \
in the next couple of weeks be possible? Any of these could work:
Tue, Dec 8, 10:00–10:20 AM CST
Thu, Dec 10, 1:00–1:20 PM CST
Would one of them suit you?

Thank you,
Alice""",
)
CONFIRM = Draft(
    subject="Re: Jordan Lee suggested I contact you",
    body="""Hi Dana,

Thank you for saying yes! Tue, Dec 1, 10:00–10:20 AM CST works well for me, by Zoom. \
I'll send a calendar invite.

Best,
Alice""",
)
WHO_ELSE = Draft(
    subject="Re: Jordan Lee suggested I contact you",
    body="""Hi Dana,

Thank you for letting me know. Do you know anyone else in UX research who might be willing \
to chat with me for 20 minutes?

Thanks again,
Alice""",
)
LINKEDIN = Draft(
    subject="",
    body="Hi Dana, Jordan Lee suggested I connect with you. I'm Alice, a junior at Midwest "
    "State exploring UX research. Could I ask you about your work at Acme Health sometime? "
    "Thank you!",
)


@pytest.mark.parametrize(
    ("kind", "draft"),
    [("nudge", NUDGE), ("confirm", CONFIRM), ("who_else", WHO_ELSE), ("linkedin_note", LINKEDIN)],
)
def test_good_messages_of_other_kinds_pass(kind: str, draft: Draft) -> None:
    assert failing(draft, dataclasses.replace(REFERRAL, kind=kind)) == set()


@pytest.mark.parametrize(
    ("kind", "draft", "code"),
    [
        ("nudge", Draft(NUDGE.subject, NUDGE.body.replace("Re: ", "")), None),
        ("nudge", Draft("", NUDGE.body), "has_subject"),
        (
            "nudge",
            Draft(NUDGE.subject, NUDGE.body.replace("Would one of them suit you?", "Any is fine.")),
            None,
        ),
        ("confirm", Draft(CONFIRM.subject, CONFIRM.body.replace("Thank you", "Yay")), "thanks"),
        (
            "confirm",
            Draft(CONFIRM.subject, CONFIRM.body.replace("Tue, Dec 1, 10:00–10:20 AM CST", "It")),
            "names_a_time",
        ),
        ("confirm", Draft(CONFIRM.subject, CONFIRM.body.replace(", by Zoom", "")), "easy_medium"),
        (
            "who_else",
            Draft(WHO_ELSE.subject, WHO_ELSE.body.replace("anyone else", "a UX bootcamp")),
            "asks_who_else",
        ),
        (
            "who_else",
            Draft(WHO_ELSE.subject, WHO_ELSE.body.replace("20 minutes?", "an internship?")),
            "not_job_ask",
        ),
        (
            "linkedin_note",
            Draft("", LINKEDIN.body.replace("Thank you!", "Thank you! " + "🙂" * 140)),
            "fits_linkedin",
        ),
        (
            "linkedin_note",
            Draft("", LINKEDIN.body.replace("Jordan Lee suggested I connect with you. ", "")),
            "connection_first",
        ),
    ],
)
def test_other_kinds_fail_the_rule_that_breaks(kind: str, draft: Draft, code: str | None) -> None:
    context = dataclasses.replace(REFERRAL, kind=kind)
    assert failing(draft, context) == ({code} if code else set())


def test_a_nudge_with_only_a_statement_at_the_end_fails_the_question() -> None:
    text = NUDGE.body.replace("Would one of them suit you?", "Any is fine.").replace(
        "be possible?", "be possible."
    )
    assert failing(Draft(NUDGE.subject, text), dataclasses.replace(REFERRAL, kind="nudge")) == {
        "ends_with_question"
    }


# --- Every result: one-line fixes that use the context, and no crash on any text -------------


def test_fixes_are_one_line_and_use_the_contacts_names() -> None:
    empty = Draft(subject="", body="")
    for kind in KINDS:
        for result in checks_run(empty, dataclasses.replace(REFERRAL, kind=kind)):
            if result.ok:
                assert result.fix == ""
            else:
                assert result.fix and "\n" not in result.fix
    fixes = " ".join(r.fix for r in checks_run(empty, REFERRAL))
    assert "Jordan Lee" in fixes
    assert "Dana" in fixes
    assert "Acme Health" in fixes


PIECE = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("?!.,:;-–—()'\n ")),
    st.sampled_from(["Hi Dana,", "Thanks,", "Tue, Dec 1, ", "10:00 AM", "(11:00 AM EST)"]),
    st.sampled_from(["you", "I'm", "résumé", "CV", "Jordan", "李", "🎓", "ß", "İ", "\u2028"]),
)
TEXT = st.lists(PIECE, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(KINDS),
    subject=TEXT,
    text=TEXT,
    names=st.lists(TEXT, min_size=7, max_size=7),
)
def test_any_text_gives_results_and_never_raises(
    kind: str, subject: str, text: str, names: list[str]
) -> None:
    context = CheckContext(kind, *names)
    results = checks_run(Draft(subject=subject, body=text), context)
    codes = [r.code for r in results]
    assert results and all(isinstance(r, CheckResult) for r in results)
    assert len(codes) == len(set(codes))
    for result in results:
        assert result.level in ("required", "advice")
        assert len(result.fix.splitlines()) <= 1
        assert (result.fix == "") is result.ok
