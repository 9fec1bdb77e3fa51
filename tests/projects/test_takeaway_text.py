"""Takeaways: markdown headings render (demoted under the page's own), malformed links leave
no stray characters, the text has a size limit (the service's message in the UI and the
API), the feed is paginated and each takeaway has its own page."""

import pytest
from django.urls import reverse

from core.markdown import render_markdown
from projects import services
from projects.models import TAKEAWAY_TEXT_MAX_LENGTH, Takeaway
from tests.factories import TakeawayFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMIT_MESSAGE = (
    "A takeaway is at most 10,000 characters; this one has 10,001. "
    "Keep the lesson and link to the details."
)
REL = 'rel="noopener noreferrer nofollow"'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("# What we learned", "<h3>What we learned</h3>"),
        ("## Splits", "<h4>Splits</h4>"),
        ("### Leakage", "<h5>Leakage</h5>"),
        ("#### Deeper", "<h6>Deeper</h6>"),
        ("###### Deepest", "<h6>Deepest</h6>"),
    ],
)
def test_headings_render_below_the_pages_own(text, html):
    assert render_markdown(text) == html


@pytest.mark.parametrize(
    ("text", "html"),
    [
        # Well-formed links are untouched.
        ("[docs](https://a.example/x)", f'<p><a href="https://a.example/x" {REL}>docs</a></p>'),
        (
            '[docs](https://a.example "T")',
            f'<p><a href="https://a.example" title="T" {REL}>docs</a></p>',
        ),
        ("[ok][r]\n\n[r]: https://r.example", f'<p><a href="https://r.example" {REL}>ok</a></p>'),
        # An unclosed link is closed instead of showing its brackets.
        ("[docs](https://a.example", f'<p><a href="https://a.example" {REL}>docs</a></p>'),
        (
            "see [docs](https://a.example and more",
            f'<p>see <a href="https://a.example" {REL}>docs</a> and more</p>',
        ),
        # Links the sanitiser refuses keep their words, without a dead anchor.
        ("[x](javascript:alert(1))", "<p>x</p>"),
        ("[x](data:text/html,hi) after", "<p>x after</p>"),
        ("[x]()", "<p>x</p>"),
        ("[x][ref]\n\n[ref]: javascript:z", "<p>x</p>"),
        # A reference to nothing shows its text.
        ("[x][nowhere] end", "<p>x end</p>"),
        # An image (not shown) becomes a link to it rather than vanishing.
        (
            "![chart](https://a.example/c.png)",
            f'<p><a href="https://a.example/c.png" {REL}>chart</a></p>',
        ),
        # Code is left as typed; plain brackets too.
        ("`[a][b]` code", "<p><code>[a][b]</code> code</p>"),
        ("a [b] c", "<p>a [b] c</p>"),
    ],
)
def test_malformed_links_leave_no_stray_characters(text, html):
    assert render_markdown(text) == html


def test_the_text_limit_boundary_in_the_service(member):
    at_limit = services.takeaway_create(
        actor=member, title="Long", text="x" * TAKEAWAY_TEXT_MAX_LENGTH
    )
    assert len(at_limit.text) == 10_000
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.takeaway_create(actor=member, title="Longer", text="x" * 10_001)
    assert error.value.message_dict == {"text": [LIMIT_MESSAGE]}
    with pytest.raises(ValidationError) as error:
        services.takeaway_update(takeaway=at_limit, actor=member, text="x" * 10_001)
    assert error.value.message_dict == {"text": [LIMIT_MESSAGE]}
    assert Takeaway.objects.count() == 1


def test_the_text_limit_in_the_form(client, member):
    client.force_login(member)
    response = client.post(
        reverse("projects:takeaway-create"), {"title": "Longer", "text": "x" * 10_001}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [LIMIT_MESSAGE]
    assert LIMIT_MESSAGE in response.content.decode()
    assert not Takeaway.objects.exists()
    form = client.get(reverse("projects:takeaway-create")).content.decode()
    assert "up to 10,000 characters." in form


def test_the_text_limit_in_the_api(api_as, member):
    api = api_as(member)
    response = api.post("/api/v1/takeaways/", {"title": "Longer", "text": "x" * 10_001})
    assert response.status_code == 400
    assert response.json() == {"text": [LIMIT_MESSAGE]}
    ok = api.post("/api/v1/takeaways/", {"title": "Long", "text": "x" * 10_000})
    assert ok.status_code == 201
    patch = api.patch(f"/api/v1/takeaways/{ok.json()['id']}/", {"text": "x" * 10_001})
    assert patch.status_code == 400 and patch.json() == {"text": [LIMIT_MESSAGE]}


def test_the_feed_is_paginated_twenty_a_page(client, viewer):
    author = UserFactory(password="!")
    for i in range(21):
        TakeawayFactory(title=f"Lesson {i:02}", author=author)
    client.force_login(viewer)
    first = client.get(reverse("projects:takeaway-list")).content.decode()
    assert first.count('class="takeaway"') == 20
    assert "Lesson 20" in first and "Lesson 00" not in first  # newest first
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get(reverse("projects:takeaway-list"), {"page": 2}).content.decode()
    assert second.count('class="takeaway"') == 1 and "Lesson 00" in second
    api = client.get("/api/v1/takeaways/").json()
    assert api["count"] == 21


def test_a_takeaway_has_its_own_page(client, viewer):
    takeaway = TakeawayFactory(
        title="Time splits", text="# Why\n\nLeakage.", author=UserFactory(password="!")
    )
    client.force_login(viewer)
    page = client.get(takeaway.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "<h1>Time splits</h1>" in body and "<h3>Why</h3>" in body
    assert client.get(reverse("projects:takeaway-detail", args=[999999])).status_code == 404
