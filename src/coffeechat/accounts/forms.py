from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from coffeechat.accounts import services, throttle
from coffeechat.accounts.models import Medium, Profile
from coffeechat.lib.timezones import is_time_zone, time_zone_choices
from coffeechat.lib.widgets import FastSelect


class SignUpForm(forms.Form):
    throttled = False  # set by the view when the address is cooling off (a 429)

    username = forms.CharField(max_length=150, help_text="Letters, digits and @ . + - _ only.")
    email = forms.EmailField(max_length=254)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Filled in by static/app.js from the browser; UTC when JavaScript is off.
    time_zone = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-browser-tz": ""})
    )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data.get("time_zone") or ""
        return value if is_time_zone(value) else "UTC"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", "The two passwords are not the same.")
        return data


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        help_text="Times you read in Coffeechat are shown in this zone.",
        widget=FastSelect(attrs={"data-browser-tz": ""}),
    )
    preferred_media = forms.MultipleChoiceField(
        label="Ways to meet you can offer",
        choices=Medium.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Make it easy for them: the phone, a video call, or near their office.",
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "school",
            "graduation_year",
            "fields_of_interest",
            "time_zone",
            "elevator_pitch",
            "default_minutes",
            "preferred_media",
            "wording",
        ]
        widgets = {"elevator_pitch": forms.Textarea(attrs={"rows": 4})}
        labels = {"wording": "What to call the conversation"}
        help_texts = {
            "wording": "Any of these is fine: people know what an informational interview is, "
            "and “coffee chat” can feel more relaxed."
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.completed_at is not None:
            # The student chose a zone already: the browser's guess must not override it.
            self.fields["time_zone"].widget.attrs["data-chosen"] = "yes"


# Signing in and proving it is you ------------------------------------------------------


class SignInForm(AuthenticationForm):
    """Django's sign-in, counted per account and per IP before the password is checked."""

    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        account = throttle.account_key(username)
        ip = throttle.client_ip(self.request) if self.request else "unknown"
        try:
            throttle.throttle_take_all((throttle.SIGNIN_ACCOUNT, account), (throttle.SIGNIN_IP, ip))
        except throttle.Throttled as exc:
            self.throttled = True
            raise ValidationError(exc.message, code="throttled") from None
        super().clean()  # raises "Please enter a correct username and password"
        throttle.throttle_clear(throttle.SIGNIN_ACCOUNT, account)
        throttle.throttle_forgive(throttle.SIGNIN_IP, ip)
        return self.cleaned_data


class PasswordConfirmForm(forms.Form):
    """The signed-in student's password again, before a sensitive action."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": ""}),
    )
    throttled = False

    def __init__(self, *args: Any, user: Any, ip: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.ip = user, ip

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            right = services.password_confirm(user=self.user, password=password, ip=self.ip)
        except throttle.Throttled as exc:
            self.throttled = True
            raise ValidationError(exc.message, code="throttled") from None
        if not right:
            raise ValidationError("That is not your password.", code="password_incorrect")
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change; the old password is checked under the sign-in limits."""

    throttled = False

    def __init__(self, user: Any, *args: Any, ip: str, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.ip = ip

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        try:
            right = services.password_confirm(user=self.user, password=old, ip=self.ip)
        except throttle.Throttled as exc:
            self.throttled = True
            raise ValidationError(exc.message, code="throttled") from None
        if not right:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Password reset links and the daily digest go here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset request, counted per address and per IP, sent through lib.email.

    Every valid address gets the same answer, whether or not an account has it.
    """

    throttled = False

    def __init__(self, *args: Any, ip: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ip = ip

    def clean_email(self) -> str:
        address = self.cleaned_data["email"]
        try:
            throttle.throttle_take_all(
                (throttle.RESET_EMAIL, throttle.email_key(address)), (throttle.RESET_IP, self.ip)
            )
        except throttle.Throttled as exc:
            self.throttled = True
            raise ValidationError(exc.message, code="throttled") from None
        return str(address)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        services.password_reset_email_send(to=to_email, subject=subject, body=body)
