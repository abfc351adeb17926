"""The built-in question bank, the questions a contact may ask the student, and the guide's
logistics. Words only; no database."""

from __future__ import annotations

from dataclasses import dataclass

from coffeechat.accounts.models import Medium


@dataclass(frozen=True)
class BuiltInQuestion:
    key: str
    text: str
    tiara: str


# The career-centre guide's nine questions, then TIARA questions from Steve Dalton's
# 2-Hour Job Search (Trends, Insights, Advice, Resources, Assignments).
BUILT_IN_QUESTIONS: tuple[BuiltInQuestion, ...] = (
    BuiltInQuestion("guide-typical-day", "What is a typical day like in your job?", "insights"),
    BuiltInQuestion("guide-path", "What experiences led you to your current role?", "insights"),
    BuiltInQuestion(
        "guide-classes",
        "What college classes or experiences have been most helpful in preparing you for "
        "this work?",
        "advice",
    ),
    BuiltInQuestion(
        "guide-wish-known",
        "What do you wish you had known about your role or career field that you had to "
        "learn on the job?",
        "insights",
    ),
    BuiltInQuestion(
        "guide-satisfying",
        "What part of your job is most satisfying? Most challenging?",
        "insights",
    ),
    BuiltInQuestion(
        "guide-skills",
        "What specific skills or experiences would make someone particularly competitive "
        "for this kind of role?",
        "advice",
    ),
    BuiltInQuestion(
        "guide-organization",
        "What do you like most about the organization you work for? Is there anything you "
        "would like to see change?",
        "insights",
    ),
    BuiltInQuestion(
        "guide-developments",
        "What do you see as some of the key developments or growth areas in the next 3–5 "
        "years in this field?",
        "trends",
    ),
    BuiltInQuestion(
        "guide-advice",
        "What advice would you give to current college students who want to enter this field?",
        "advice",
    ),
    BuiltInQuestion(
        "tiara-trends", "What trends are you seeing in your field right now?", "trends"
    ),
    BuiltInQuestion(
        "tiara-trends-change",
        "How has your work changed since you started, and what is driving that?",
        "trends",
    ),
    BuiltInQuestion(
        "tiara-insights",
        "What has surprised you most about working at your organization?",
        "insights",
    ),
    BuiltInQuestion(
        "tiara-advice",
        "If you were in my position, what would you be doing right now to prepare?",
        "advice",
    ),
    BuiltInQuestion(
        "tiara-resources",
        "Which websites, books, groups or events would you recommend I look into?",
        "resources",
    ),
    BuiltInQuestion(
        "tiara-resources-skills",
        "Which tools or skills would be worth learning before I apply?",
        "resources",
    ),
    BuiltInQuestion(
        "tiara-assignments",
        "What projects would someone starting out in your role work on?",
        "assignments",
    ),
    BuiltInQuestion(
        "tiara-assignments-first",
        "What did your first few months in this role look like?",
        "assignments",
    ),
)

CLOSING_QUESTION = "Who else should I talk to?"

# The guide: "recognize that they may demonstrate interest in you, and ask you questions".
PRACTICE_PROMPTS: tuple[str, ...] = (
    "Tell me a little about yourself.",
    "What are you studying, and why did you choose it?",
    "What draws you to this field?",
    "What have you done so far to explore it?",
    "What kinds of roles or organizations are you considering?",
    "What are you hoping to get out of our conversation?",
    "What are your strongest skills?",
)

# How long a pitch should run when practised aloud.
PITCH_SECONDS = 60
ANSWER_SECONDS = 120


def logistics(medium: str) -> list[str]:
    """The guide's advice for the day, for this kind of meeting."""
    common = [
        "Honor the time you asked for: offer to wrap up when it is up, and continue only if "
        "they want to.",
        "Bring something to take notes with, and show interest and enthusiasm.",
        "End by asking: “Who else should I talk to?”",
    ]
    if medium == Medium.IN_PERSON:
        first = [
            "Arrive 10 minutes early.",
            "Dress for their workplace.",
        ]
    elif medium == Medium.VIDEO:
        first = [
            "Join 5 minutes early; test your camera, microphone and the link.",
            "Dress as you would for their workplace, and find a quiet spot.",
        ]
    elif medium == Medium.PHONE:
        first = [
            "Be ready 5 minutes early, somewhere quiet, with your phone charged.",
            "Confirm who calls whom.",
        ]
    else:
        first = [
            "Be on time — 10 minutes early if you meet in person.",
            "Dress for their workplace.",
        ]
    return first + common
