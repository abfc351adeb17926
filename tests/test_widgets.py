from __future__ import annotations

from django import forms

from coffeechat.lib.widgets import FastSelect
from tests.factories import make_contact


class PickForm(forms.Form):
    pick = forms.ChoiceField(
        choices=[("", "None"), ("a", "Apple & <b>pie</b>"), ('"x"', "Quote")], widget=FastSelect
    )


def test_fast_select_matches_django_select_markup():
    fast = str(PickForm(initial={"pick": "a"})["pick"])
    assert fast.startswith('<select id="id_pick" name="pick" required>')
    assert '<option value="a" selected>Apple &amp; &lt;b&gt;pie&lt;/b&gt;</option>' in fast
    assert '<option value="&quot;x&quot;">Quote</option>' in fast
    assert fast.count(" selected") == 1


def test_fast_select_shows_errors_to_screen_readers():
    form = PickForm(data={"pick": "nope"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["pick"])


def test_people_names_in_pickers_are_escaped(alice_client, alice):
    make_contact(alice, '<script>alert("x")</script>')
    page = alice_client.get("/contacts/new/").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
