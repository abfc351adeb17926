from __future__ import annotations

from typing import Any

from django import forms

from coffeechat.accounts.models import Medium, Profile
from coffeechat.lib.timezones import is_time_zone, time_zone_choices
from coffeechat.lib.widgets import FastSelect


class SignUpForm(forms.Form):
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
