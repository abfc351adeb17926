from __future__ import annotations

import re
import urllib.parse
import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from coffeechat.lib.text import fold, name_words
from coffeechat.lib.timezones import validate_time_zone
from coffeechat.lib.validators import http_url_validator


class Source(models.TextChoices):
    """How the student knows someone: the guide's list of people to ask."""

    FACULTY = "faculty", "Faculty"
    ADVISOR = "advisor", "Academic advisor"
    TA = "ta", "Teaching assistant (TA)"
    RESIDENCE = "residence", "Residence hall director"
    COWORKER = "coworker", "Coworker"
    FRIEND_FAMILY = "friend_family", "Friend or family"
    SUPERVISOR = "supervisor", "Work supervisor"
    MENTOR = "mentor", "High school mentor"
    ACQUAINTANCE = "acquaintance", "Acquaintance"
    GUEST_SPEAKER = "guest_speaker", "Guest speaker (class or student org)"
    RECRUITER = "recruiter", "Career fair recruiter"
    ALUMNI = "alumni", "Alumni (LinkedIn or alumni network)"
    LINKEDIN = "linkedin", "LinkedIn connection"
    REFERRAL = "referral", "Referral"
    OTHER = "other", "Other"


class Organization(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organizations"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    website = models.CharField(max_length=500, blank=True, validators=[http_url_validator])
    industry = models.CharField(max_length=120, blank=True)
    notes = models.TextField(max_length=20_000, blank=True, validators=[MaxLengthValidator(20_000)])
    # Steve Dalton's LAMP list (The 2-Hour Job Search): Advocate, Motivation, Posting.
    lamp_advocate = models.BooleanField(
        "advocate there",
        default=False,
        help_text="You know someone there, or an alumnus of your school works there.",
    )
    lamp_motivation = models.PositiveSmallIntegerField(
        "motivation",
        default=0,
        validators=[MaxValueValidator(3)],
        help_text="0 = not sure, 3 = dream employer.",
    )
    lamp_posting = models.PositiveSmallIntegerField(
        "posting",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="1 = no relevant posting, 2 = a loosely related one, 3 = a posting that fits.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "owner", Lower("name"), name="network_organization_unique_name_per_owner"
            ),
        ]
        indexes = [
            models.Index(
                fields=["owner", "-lamp_motivation", "-lamp_posting", "-lamp_advocate"],
                name="network_org_lamp_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "owner", Lower("name"), name="network_tag_unique_name_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.name


_LINKEDIN_PROFILE = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(in|pub|company)/([^/?#]+)", re.IGNORECASE
)


def linkedin_key(url: str) -> str:
    """ "https://www.linkedin.com/in/Jane-Doe/?trk=x" -> "linkedin.com/in/jane-doe"; other
    addresses lower-cased without scheme, "www." or trailing slash."""
    value = url.strip()
    found = _LINKEDIN_PROFILE.match(value)
    if found:
        slug = urllib.parse.unquote(found.group(2)).casefold()
        return f"linkedin.com/{found.group(1).lower()}/{slug}"[:200]
    value = re.sub(r"^[a-z]+://", "", value, flags=re.IGNORECASE).casefold()
    return value.removeprefix("www.").rstrip("/")[:200]


def field_label(model: type[models.Model], name: str) -> str:
    """A field's human name, e.g. "LinkedIn URL" for Contact.linkedin_url."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


class Contact(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    linkedin_url = models.CharField(
        "LinkedIn URL", max_length=500, blank=True, validators=[http_url_validator]
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    title = models.CharField("title or role", max_length=200, blank=True)
    field = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    source = models.CharField(
        "how you know them", max_length=20, choices=Source.choices, blank=True
    )
    referred_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="referrals"
    )
    practice = models.BooleanField(
        default=False,
        help_text="Someone familiar to practise with before you talk to strangers.",
    )
    notes = models.TextField(max_length=20_000, blank=True, validators=[MaxLengthValidator(20_000)])
    tags = models.ManyToManyField(Tag, blank=True, related_name="contacts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Derived columns, rebuilt by refresh_derived(): accent- and case-folded text for the
    # indexed search and for a stable, human sort order ("Élodie" next to "Elodie").
    sort_name = models.CharField(max_length=200, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # What imports match people by: the address in lower case, and the LinkedIn profile
    # ("linkedin.com/in/jane-doe") however its URL was written.
    email_key = models.CharField(max_length=254, editable=False, default="")
    linkedin_key = models.CharField(max_length=200, editable=False, default="")
    # The first and last words of the name (name_words), so that an import compares a row
    # only with people at the same organization who share one of them.
    first_word = models.CharField(max_length=100, editable=False, default="")
    last_word = models.CharField(max_length=100, editable=False, default="")

    class Meta:
        indexes = [
            models.Index(fields=["owner", "sort_name", "uuid"], name="network_contact_keyset"),
            models.Index(fields=["owner", "source"], name="network_contact_source"),
            models.Index(fields=["owner", "email_key"], name="network_contact_email_key"),
            models.Index(fields=["owner", "linkedin_key"], name="network_contact_linkedin_key"),
            models.Index(fields=["organization", "first_word"], name="network_contact_org_first"),
            models.Index(fields=["organization", "last_word"], name="network_contact_org_last"),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_derived(self, tag_names: list[str] | None = None) -> None:
        """Recompute sort_name and search_text from the fields people search by."""
        if tag_names is None:
            tag_names = [t.name for t in self.tags.all()] if self.pk else []
        organization_name = self.organization.name if self.organization is not None else ""
        self.sort_name = fold(self.name)[:200]
        self.email_key = self.email.strip().lower()
        self.linkedin_key = linkedin_key(self.linkedin_url)
        words = name_words(self.name)
        self.first_word = words[0][:100] if words else ""
        self.last_word = words[-1][:100] if words else ""
        parts = [
            self.name,
            organization_name,
            self.title,
            self.field,
            self.email,
            " ".join(tag_names),
            self.notes,
        ]
        self.search_text = fold(" ".join(p for p in parts if p))
