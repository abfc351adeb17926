"""A believable sample network for the `demo` user: look around before typing your own.

Sam Rivera studies information sciences and wonders about UX research, health informatics
and civic tech. Their list follows the career-centre guide: people from every source it names,
familiar people to practise with, organizations scored on LAMP, and chains of referrals that
grew from asking "Who else should I talk to?". Rows are made through the services, so the
derived search and sort fields are exactly what the app would write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from coffeechat.accounts.services import profile_for, profile_update, user_create
from coffeechat.network.models import Contact, Organization, Source
from coffeechat.network.services import contact_create, organization_create

# A documented password for a local demo; `coffeechat demo --password-stdin` sets another.
DEMO_PASSWORD = "coffeechat-demo"
# example.com is reserved for examples, so no real person's account has such an address.
DEMO_EMAIL_DOMAIN = "example.com"

UNIVERSITY = "Midwest State University"

ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "name": UNIVERSITY,
        "website": "https://www.midwest-state.example",
        "industry": "Higher education",
        "notes": "My university: professors, advisors, TAs and hall staff all work here.",
        "lamp_advocate": True,
        "lamp_motivation": 1,
        "lamp_posting": 1,
    },
    {
        "name": "Lakeshore Health",
        "website": "https://www.lakeshorehealth.example",
        "industry": "Health care",
        "notes": "Hospital system with a growing clinical informatics team. Aunt Lucía works "
        "in the cardiac unit.",
        "lamp_advocate": True,
        "lamp_motivation": 3,
        "lamp_posting": 3,
    },
    {
        "name": "Northwind Design Studio",
        "website": "https://northwind-design.example",
        "industry": "Design consultancy",
        "notes": "UX agency, offices in Chicago and London. Summer internships open in January.",
        "lamp_advocate": True,
        "lamp_motivation": 3,
        "lamp_posting": 1,
    },
    {
        "name": "Prairie Analytics",
        "website": "https://prairie-analytics.example",
        "industry": "Data consulting",
        "notes": "Posted a data analyst internship; recruiter met at the fall career fair.",
        "lamp_advocate": True,
        "lamp_motivation": 2,
        "lamp_posting": 3,
    },
    {
        "name": "Riverbend County Public Health",
        "website": "https://riverbend-health.example",
        "industry": "Public health",
        "notes": "Runs the county's outbreak dashboards.",
        "lamp_advocate": False,
        "lamp_motivation": 2,
        "lamp_posting": 1,
    },
    {
        "name": "Atlas Civic Tech",
        "website": "https://atlas-civic.example",
        "industry": "Nonprofit technology",
        "notes": "Builds open-source tools for city governments. Remote-first.",
        "lamp_advocate": False,
        "lamp_motivation": 3,
        "lamp_posting": 2,
    },
    {
        "name": "Brightpath Learning",
        "website": "https://brightpath.example",
        "industry": "Education technology",
        "lamp_advocate": False,
        "lamp_motivation": 1,
        "lamp_posting": 2,
    },
    {
        "name": "Greenfield Credit Union",
        "website": "https://greenfield-cu.example",
        "industry": "Financial services",
        "notes": "My summer job. Has a small fraud analytics team.",
        "lamp_advocate": True,
        "lamp_motivation": 1,
        "lamp_posting": 3,
    },
    {
        "name": "Helio Robotics",
        "website": "https://helio-robotics.example",
        "industry": "Robotics",
        "lamp_advocate": False,
        "lamp_motivation": 0,
        "lamp_posting": 1,
    },
]

# `key` names a person so later rows can say who referred them; referrers come first.
CONTACTS: list[dict[str, Any]] = [
    # Faculty, advisors, TAs and hall staff: the people closest to hand.
    {
        "key": "raman",
        "name": "Dr. Priya Raman",
        "source": Source.FACULTY,
        "organization": UNIVERSITY,
        "title": "Associate Professor of Information Sciences",
        "field": "Human–computer interaction",
        "time_zone": "America/Chicago",
        "email": "praman@midwest-state.example",
        "tags": ["ux", "research"],
        "notes": "Taught INFO 303. Offered to introduce me to former students in UX.",
    },
    {
        "key": "nunez",
        "name": "José Núñez",
        "source": Source.FACULTY,
        "organization": UNIVERSITY,
        "title": "Professor of Public Health",
        "field": "Epidemiology",
        "time_zone": "America/Chicago",
        "email": "jnunez@midwest-state.example",
        "tags": ["public health", "research"],
        "notes": "Prof. Núñez runs the community health data lab; ask about summer RA roles.",
    },
    {
        "key": "ortega",
        "name": "Marisol Ortega",
        "source": Source.ADVISOR,
        "organization": UNIVERSITY,
        "title": "Academic Advisor, School of Information Sciences",
        "field": "Student advising",
        "time_zone": "America/Chicago",
        "email": "mortega@midwest-state.example",
        "notes": "Suggested I look at health informatics electives.",
    },
    {
        "key": "carter",
        "name": "Emily Carter",
        "source": Source.ADVISOR,
        "organization": UNIVERSITY,
        "title": "Career Coach, Career Center",
        "field": "Career services",
        "time_zone": "America/Chicago",
        "email": "ecarter@midwest-state.example",
        "tags": ["practice"],
        "practice": True,
        "notes": "Runs mock informational interviews on Thursdays.",
    },
    {
        "key": "watanabe",
        "name": "Kenji Watanabe",
        "source": Source.TA,
        "organization": UNIVERSITY,
        "title": "Teaching Assistant, INFO 303",
        "field": "HCI (PhD student)",
        "time_zone": "America/Chicago",
        "email": "kwatanabe@midwest-state.example",
        "tags": ["practice", "ux"],
        "practice": True,
        "notes": "Friendly and honest: a good first practice run before talking to strangers.",
    },
    {
        "key": "brooks",
        "name": "Danielle Brooks",
        "source": Source.RESIDENCE,
        "organization": UNIVERSITY,
        "title": "Residence Hall Director, Allen Hall",
        "field": "Student affairs",
        "time_zone": "America/Chicago",
        "notes": "Knows a lot of alumni who went into higher ed and nonprofits.",
    },
    # Work.
    {
        "key": "herrera",
        "name": "Tomás Herrera",
        "source": Source.COWORKER,
        "organization": "Greenfield Credit Union",
        "title": "Member Services Representative",
        "field": "Banking",
        "time_zone": "America/Chicago",
        "phone": "+1 217 555 0142",
        "notes": "Worked the same summer shifts; he's moving into the fraud analytics team.",
    },
    {
        "key": "bello",
        "name": "Aisha Bello",
        "source": Source.COWORKER,
        "title": "Library Technology Assistant",
        "field": "Libraries",
        "time_zone": "America/Chicago",
        "notes": "Campus library job; she's applying to data science master's programs.",
    },
    {
        "key": "olsen",
        "name": "Greg Olsen",
        "source": Source.SUPERVISOR,
        "organization": "Greenfield Credit Union",
        "title": "Branch Manager",
        "field": "Retail banking",
        "time_zone": "America/Chicago",
        "email": "golsen@greenfield-cu.example",
        "notes": "Summer job supervisor; wrote my reference letter.",
    },
    # Friends and family: familiar people to practise with.
    {
        "key": "kim",
        "name": "Jordan Kim",
        "source": Source.FRIEND_FAMILY,
        "title": "Roommate, computer science senior",
        "field": "Software engineering",
        "time_zone": "America/Chicago",
        "tags": ["practice"],
        "practice": True,
        "notes": "My roommate: try the whole question list on Jordan first.",
    },
    {
        "key": "fernandez",
        "name": "Lucía Fernández",
        "source": Source.FRIEND_FAMILY,
        "organization": "Lakeshore Health",
        "title": "Registered Nurse, Cardiac Unit",
        "field": "Nursing",
        "time_zone": "America/Chicago",
        "tags": ["practice", "health care"],
        "practice": True,
        "notes": "Tía Lucía. Happy to do a practice interview over Sunday dinner, and knows "
        "people in the hospital's IT department.",
    },
    {
        "key": "laurent",
        "name": "Zoë Laurent",
        "source": Source.FRIEND_FAMILY,
        "organization": "Northwind Design Studio",
        "title": "Product Designer",
        "field": "Product design",
        "time_zone": "America/New_York",
        "email": "zoe.laurent@northwind-design.example",
        "tags": ["ux", "design"],
        "notes": "Family friend. Mom says Zoë loves talking about design portfolios.",
    },
    {
        "key": "washington",
        "name": "Renee Washington",
        "source": Source.MENTOR,
        "title": "Chemistry Teacher and Robotics Coach",
        "field": "Education",
        "time_zone": "America/Chicago",
        "notes": "High school robotics mentor; still in touch. Could introduce me to former "
        "team members now in engineering.",
    },
    # People met along the way.
    {
        "key": "nakamura",
        "name": "Chris Nakamura",
        "source": Source.ACQUAINTANCE,
        "organization": "Helio Robotics",
        "title": "Mechanical Engineer",
        "field": "Robotics",
        "time_zone": "America/Los_Angeles",
        "notes": "Met at the spring hackathon; a classmate's older sibling.",
    },
    {
        "key": "alsayed",
        "name": "Fatima Al-Sayed",
        "source": Source.ACQUAINTANCE,
        "organization": "Brightpath Learning",
        "title": "Learning Experience Designer",
        "field": "Education technology",
        "time_zone": "America/Denver",
        "tags": ["ux"],
        "notes": "Sat next to her at a UX meetup.",
    },
    {
        "key": "osei",
        "name": "Dr. Samuel Osei",
        "source": Source.GUEST_SPEAKER,
        "organization": "Riverbend County Public Health",
        "title": "Director of Epidemiology",
        "field": "Public health",
        "time_zone": "America/Chicago",
        "email": "sosei@riverbend-health.example",
        "tags": ["public health", "data"],
        "notes": "Spoke to the Public Health Club about outbreak dashboards.",
    },
    {
        "key": "schmidt",
        "name": "Hannah Schmidt",
        "source": Source.GUEST_SPEAKER,
        "organization": "Atlas Civic Tech",
        "title": "Executive Director",
        "field": "Civic technology",
        "time_zone": "America/New_York",
        "tags": ["civic tech"],
        "notes": "Guest speaker in INFO 490; said to write to her with questions.",
    },
    {
        "key": "lee",
        "name": "Marcus Lee",
        "source": Source.RECRUITER,
        "organization": "Prairie Analytics",
        "title": "University Recruiter",
        "field": "Talent acquisition",
        "time_zone": "America/Chicago",
        "email": "mlee@prairie-analytics.example",
        "tags": ["data"],
        "notes": "Career fair booth 42. Said to email him directly about the analyst internship.",
    },
    {
        "key": "chen",
        "name": "Olivia Chen",
        "source": Source.RECRUITER,
        "organization": "Lakeshore Health",
        "title": "Campus Recruiting Lead",
        "field": "Human resources",
        "time_zone": "America/Chicago",
        "email": "ochen@lakeshorehealth.example",
        "tags": ["health care"],
    },
    {
        "key": "park",
        "name": "David Park",
        "source": Source.ALUMNI,
        "organization": "Prairie Analytics",
        "title": "Senior Data Analyst",
        "field": "Data analytics",
        "time_zone": "America/Chicago",
        "linkedin_url": "https://www.linkedin.com/in/david-park-demo",
        "tags": ["data"],
        "notes": "Class of 2019, found on the alumni network.",
    },
    {
        "key": "petrova",
        "name": "Nadia Petrova",
        "source": Source.ALUMNI,
        "organization": "Northwind Design Studio",
        "title": "UX Researcher",
        "field": "UX research",
        "time_zone": "Europe/London",
        "linkedin_url": "https://www.linkedin.com/in/nadia-petrova-demo",
        "tags": ["ux", "research"],
        "notes": "Works from the London office: propose early-morning times (my time).",
    },
    {
        "key": "lina",
        "name": "李娜",
        "source": Source.ALUMNI,
        "organization": "Atlas Civic Tech",
        "title": "Data Engineer",
        "field": "Data engineering",
        "time_zone": "Asia/Singapore",
        "email": "li.na@atlas-civic.example",
        "tags": ["data", "civic tech"],
        "notes": "李娜 (Li Na), class of 2017, based in Singapore. Writes in English and Mandarin.",
    },
    {
        "key": "brown",
        "name": "Ethan Brown",
        "source": Source.LINKEDIN,
        "organization": "Helio Robotics",
        "title": "Product Manager",
        "field": "Product management",
        "time_zone": "America/Los_Angeles",
        "linkedin_url": "https://www.linkedin.com/in/ethan-brown-demo",
        "tags": ["product"],
    },
    {
        "key": "rossi",
        "name": "Sofia Rossi",
        "source": Source.LINKEDIN,
        "organization": "Brightpath Learning",
        "title": "Data Scientist",
        "field": "Learning analytics",
        "time_zone": "Europe/Rome",
        "tags": ["data"],
        "notes": "Posts about learning analytics; we share two connections.",
    },
    {
        "key": "andersson",
        "name": "Björn Andersson",
        "source": Source.LINKEDIN,
        "organization": "Helio Robotics",
        "title": "Robotics Software Engineer",
        "field": "Robotics",
        "time_zone": "Europe/Stockholm",
        "notes": "Björn commented on my robotics project post.",
    },
    {
        "key": "williams",
        "name": "Noah Williams",
        "source": Source.OTHER,
        "title": "Freelance Data Journalist",
        "field": "Data journalism",
        "time_zone": "America/Chicago",
        "tags": ["data"],
        "notes": "Met at the public library's data visualization workshop.",
    },
    {
        "key": "dubois",
        "name": "Camille Dubois",
        "source": Source.OTHER,
        "organization": "Atlas Civic Tech",
        "title": "Volunteer Coordinator",
        "field": "Community organizing",
        "time_zone": "America/Chicago",
        "tags": ["civic tech"],
        "notes": "Volunteered together at a civic hack night.",
    },
    # Referrals: each answer to "Who else should I talk to?" becomes the next name.
    {
        "key": "liu",
        "name": "Grace Liu",
        "source": Source.REFERRAL,
        "referred_by": "raman",
        "organization": "Northwind Design Studio",
        "title": "Design Director",
        "field": "UX design",
        "time_zone": "America/New_York",
        "email": "grace.liu@northwind-design.example",
        "tags": ["ux", "design"],
        "notes": "Prof. Raman's former student.",
    },
    {
        "key": "garcia",
        "name": "Mateo García",
        "source": Source.REFERRAL,
        "referred_by": "liu",
        "organization": "Northwind Design Studio",
        "title": "Senior UX Designer",
        "field": "UX design",
        "time_zone": "America/Mexico_City",
        "tags": ["ux"],
        "notes": "Grace says Mateo picks the summer interns.",
    },
    {
        "key": "okafor",
        "name": "Amara Okafor",
        "source": Source.REFERRAL,
        "referred_by": "garcia",
        "organization": "Lakeshore Health",
        "title": "UX Research Lead, Patient Portal",
        "field": "Health UX",
        "time_zone": "America/Chicago",
        "tags": ["ux", "health care", "research"],
        "notes": "Mateo and Amara worked together on a hospital app. UX and health care at once!",
    },
    {
        "key": "stone",
        "name": "Dr. Rebecca Stone",
        "source": Source.REFERRAL,
        "referred_by": "fernandez",
        "organization": "Lakeshore Health",
        "title": "Director of Clinical Informatics",
        "field": "Health informatics",
        "time_zone": "America/Chicago",
        "email": "rstone@lakeshorehealth.example",
        "tags": ["health care", "data"],
        "notes": "Aunt Lucía's colleague; prefers phone calls.",
    },
    {
        "key": "hassan",
        "name": "Bilal Hassan",
        "source": Source.REFERRAL,
        "referred_by": "stone",
        "organization": "Lakeshore Health",
        "title": "Clinical Data Analyst",
        "field": "Health informatics",
        "time_zone": "America/Chicago",
        "tags": ["health care", "data"],
        "notes": "Started as an intern two years ago.",
    },
    {
        "key": "johansson",
        "name": "Ingrid Johansson",
        "source": Source.REFERRAL,
        "referred_by": "osei",
        "organization": "Riverbend County Public Health",
        "title": "Epidemiologist",
        "field": "Public health",
        "time_zone": "America/Chicago",
        "tags": ["public health", "data"],
        "notes": "Dr. Osei suggested her after his talk.",
    },
    {
        "key": "shah",
        "name": "Ravi Shah",
        "source": Source.REFERRAL,
        "referred_by": "herrera",
        "organization": "Greenfield Credit Union",
        "title": "Fraud Analytics Manager",
        "field": "Data analytics",
        "time_zone": "America/Chicago",
        "tags": ["data"],
        "notes": "Tomás's new manager.",
    },
]

DEMO_CONTACT_COUNT = len(CONTACTS)


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def is_demo_user(user: Any) -> bool:
    """Whether `coffeechat demo` made this user (so --reset may delete it)."""
    return (user.email or "").lower() == demo_email(user.get_username()).lower()


@transaction.atomic
def demo_user_create(*, username: str, password: str) -> Any:
    """The demo user, with a finished profile so they land straight on their list."""
    user = user_create(
        username=username,
        email=demo_email(username),
        password=password,
        time_zone="America/Chicago",
    )
    profile_update(
        profile=profile_for(user),
        display_name="Sam Rivera",
        school=UNIVERSITY,
        graduation_year=timezone.now().year + 1,
        fields_of_interest="UX research, health informatics, civic tech",
        time_zone="America/Chicago",
        elevator_pitch=(
            "I'm a junior in information sciences at Midwest State. I've done usability "
            "studies in class and worked a summer at a credit union, and I'm trying to learn "
            "where UX research and health care meet."
        ),
        preferred_media=["video", "phone"],
    )
    return user


@transaction.atomic
def demo_network_create(*, owner: Any, on_contact: Callable[[Contact], None] | None = None) -> int:
    """Add the sample organizations and people to `owner`'s list; returns the people added."""
    organizations: dict[str, Organization] = {
        fields["name"]: organization_create(owner=owner, **fields) for fields in ORGANIZATIONS
    }
    people: dict[str, Contact] = {}
    for row in CONTACTS:
        fields = dict(row)
        key = fields.pop("key")
        organization = fields.pop("organization", None)
        referrer = fields.pop("referred_by", None)
        contact = contact_create(
            owner=owner,
            organization=organizations[organization] if organization else None,
            referred_by=people[referrer] if referrer else None,
            **fields,
        )
        people[key] = contact
        if on_contact is not None:
            on_contact(contact)
    return len(people)
