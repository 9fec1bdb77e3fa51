"""Browser tests in real Chromium (Debian's package) driven by Playwright.

Adding a flow: make a file ``test_<area>_flow.py`` with
``pytestmark = pytest.mark.django_db(transaction=True)``; build the data with the factories
(``person`` gives people fixed names), open pages as the right person with
``visit(user, path)``, act through roles, labels and visible text, and call
``assert_accessible(page)`` on every page the flow shows. Add each new main page to
``test_accessibility.PAGES`` too. ``forged_post`` checks a refused write, ``expect_message``
the flash a write answers with, ``save_screenshot`` keeps the README's pictures current
(``test_screenshots`` shows the seeded demo workspace, so images do not churn).
"""

import datetime
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from accounts.models import Discipline, Role
from flags import services as flag_services
from projects import services as project_services
from projects.models import Phase
from tests.factories import (
    BoardFactory,
    IdeaFactory,
    MetricFactory,
    ProjectFactory,
    ReadingFactory,
    RotationFactory,
    TakeawayFactory,
    UserFactory,
)

E2E_DIR = Path(__file__).resolve().parent
AXE_JS = E2E_DIR / "vendor" / "axe.min.js"
SCREENSHOTS = E2E_DIR.parent.parent / "docs" / "screenshots"

VIEWPORTS = {
    "laptop": {"width": 1440, "height": 900},
    "phone": {"width": 390, "height": 844},
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "Chromium is not installed: the browser tests need Debian's chromium package "
            "(make test installs it; or apt-get install chromium)."
        )
    return path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Flows create people (and seed_demo six): the production hasher would dominate."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def person():
    """``person(username, "First Last", role=..., discipline=...)``: a user with a fixed name,
    so pages (and screenshots) read the same on every run."""

    def make(username: str, name: str, role: str = Role.MEMBER, discipline: str = ""):
        first, _, last = name.partition(" ")
        return UserFactory(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            discipline=discipline or Discipline.DATA_SCIENTIST,
        )

    return make


@pytest.fixture
def workspace(person) -> SimpleNamespace:
    """A small realistic workspace with fixed names: a manager, two scientists, an engineer
    and a viewer; a project in prototype with targets, a team, a placeholder and a takeaway;
    a board with two metrics and ideas in several columns, with readings over two weeks,
    and a shortlisted and a promoted idea (with tasks)."""
    from research.models import Task

    maya = person("maya", "Maya Okafor", role=Role.MANAGER, discipline=Discipline.MANAGER)
    sam = person("sam", "Sam Lindqvist", discipline=Discipline.DATA_SCIENTIST)
    priya = person("priya", "Priya Raman", discipline=Discipline.DATA_SCIENTIST)
    eli = person("eli", "Eli Navarro", discipline=Discipline.SOFTWARE_ENGINEER)
    vic = person("vic", "Vic Moreau", role=Role.VIEWER, discipline=Discipline.PRODUCT_MANAGER)
    today = datetime.date.today()
    project = ProjectFactory(
        name="Churn radar",
        slug="churn-radar",
        summary="Spot customers about to leave, early enough to help them.",
        customer_value="Fewer surprise cancellations.",
        product_manager=maya,
        phase=Phase.PROTOTYPE,
        target_release=today + datetime.timedelta(days=90),
    )
    for kind, text in [
        ("target", "Customers at risk get a useful offer before they cancel."),
        ("scenario", "A support agent sees the top three reasons a customer is at risk."),
    ]:
        project_services.target_create(project=project, actor=maya, kind=kind, text=text)
    RotationFactory(project=project, person=sam, role="Data scientist", allocation=80)
    RotationFactory(project=project, person=priya, role="Data scientist", allocation=50)
    RotationFactory(
        project=project,
        person=eli,
        role="Backend engineer",
        start=today + datetime.timedelta(days=14),
        allocation=60,
    )
    RotationFactory(project=project, person=None, role="ML engineer", allocation=50)
    ProjectFactory(name="Basket size", slug="basket-size", product_manager=maya)
    TakeawayFactory(
        author=sam,
        project=project,
        title="Leakage hides in timestamps",
        text="Build features **as of** the prediction date, never after it.",
        tags=",features,leakage,",
    )

    board = BoardFactory(
        project=project,
        title="Which model predicts churn?",
        question="Which model predicts a cancellation 30 days ahead best?",
        gain_bar=2.0,
    )
    auc = MetricFactory(board=board, name="AUC", baseline=0.80, target=0.88)
    recall = MetricFactory(board=board, name="Recall at 10 %", baseline=0.40, target=None)
    board.primary_metric = auc
    board.save(update_fields=["primary_metric"])
    ideas = {}
    for title, owner, status, maturity, values in [
        ("Gradient boosting on usage", sam, "shortlisted", "offline", [0.81, 0.84, 0.86]),
        ("Survival model", priya, "exploring", "notebook", [0.80, 0.79]),
        ("Sequence model on events", sam, "proposed", "idea", []),
        ("Logistic baseline refresh", priya, "promoted", "ab_tested", [0.82, 0.83]),
        ("Rules from support tickets", sam, "dropped", "idea", [0.78]),
    ]:
        ideas[title] = IdeaFactory(
            board=board,
            title=title,
            owner=owner,
            status=status,
            maturity=maturity,
            hypothesis="If we use what customers do, not who they are, AUC improves.",
            dropped_reason="Too few tickets per customer." if status == "dropped" else "",
        )
        for days_ago, value in zip([13, 8, 1], values, strict=False):
            at = timezone.now() - datetime.timedelta(days=days_ago)
            ReadingFactory(idea=ideas[title], metric=auc, value=value, recorded_at=at)
            ReadingFactory(idea=ideas[title], metric=recall, value=value - 0.4, recorded_at=at)
    # Data gaps: a clickstream ask on this project, asked again on another (a recurring ask).
    from tests.factories import DataGapFactory

    datagap = DataGapFactory(
        project=project, requester=sam, title="Clickstream events per session",
        data_needed="Page views and clicks per **session**.", urgency="high",
    )  # fmt: skip
    DataGapFactory(
        project=ProjectFactory(name="Lookalike audiences", slug="lookalike-audiences"),
        requester=priya, title="Event-level clickstream", data_needed="Clicks per session.",
    )  # fmt: skip
    promoted = ideas["Logistic baseline refresh"]
    Task.objects.create(idea=promoted, title="Nightly feature job", owner=eli, position=0)
    Task.objects.create(idea=promoted, title="Scoring endpoint", owner=eli, position=1)
    flag = flag_services.flag_raise(
        project=project,
        idea=ideas["Sequence model on events"],
        actor=sam,
        owner=eli,
        title="Event stream needs a replay API",
        kind="interface",
        severity="high",
        description="Training on events needs **30 days** of replay.",
    )
    return SimpleNamespace(
        maya=maya,
        sam=sam,
        priya=priya,
        eli=eli,
        vic=vic,
        project=project,
        board=board,
        metric=auc,
        ideas=ideas,
        idea=ideas["Gradient boosting on usage"],
        flag=flag,
        datagap=datagap,
    )


@pytest.fixture(scope="session")
def browser() -> Browser:
    # Sync Playwright runs an event loop in this thread; Django's ORM calls made by the
    # test itself (factories) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser, live_server) -> Callable[..., Page]:
    """``visit(user, path, viewport="laptop")``: a page signed in as ``user`` at ``path``.

    The session cookie is made server-side (the login form itself is tested once, in
    test_auth_flow), so each flow starts where it means to.
    """
    contexts = []

    def open_page(user, path: str = "/", viewport: str = "laptop") -> Page:
        # Reduced motion: Pico then skips its transitions, so colours and focus rings are read
        # at their final values, not mid-fade (the CSP forbids injecting a style to do it).
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], base_url=live_server.url, reduced_motion="reduce"
        )
        contexts.append(context)
        # axe-core rides along on every document: cheaper than injecting it per check.
        context.add_init_script(path=str(AXE_JS))
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    # Colours caught mid-transition (Pico fades links and buttons) make contrast flaky; Pico
    # turns transitions off for reduced motion (the CSP forbids injecting a style instead).
    page.emulate_media(reduced_motion="reduce")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"axe found serious/critical violations on {page.url}:\n{report}"


def assert_no_horizontal_overflow(page: Page) -> None:
    """The page body fits the viewport (wide content scrolls inside its own container)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the viewport"


def assert_scrolls_horizontally(container: Locator) -> None:
    """``container`` is wider inside than on screen, and really scrolls sideways."""
    widths = container.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1] + 1, f"not wider than its box: {widths}"
    moved = container.evaluate("el => { el.scrollLeft = 200; return el.scrollLeft; }")
    assert moved > 0, "the container did not scroll"
    container.evaluate("el => { el.scrollLeft = 0; }")


def assert_focus_visible(page: Page) -> None:
    """The focused element draws a visible focus indicator (an outline or a ring)."""
    style = page.evaluate(
        """() => {
            const s = getComputedStyle(document.activeElement);
            return {tag: document.activeElement.tagName, outline: s.outlineStyle,
                    width: s.outlineWidth, shadow: s.boxShadow};
        }"""
    )
    has_outline = style["outline"] != "none" and style["width"] not in ("0px", "")
    assert has_outline or style["shadow"] != "none", f"no visible focus on {style}"


def expect_message(page: Page, text: str) -> None:
    """The flash message (or alert) a write answers with contains ``text``."""
    expect(
        page.locator(".message, [role=alert], [role=status]").filter(has_text=text).first
    ).to_be_visible()


def expect_form_error(page: Page, text: str) -> None:
    """A form came back with an error (on a field or the whole form) containing ``text``."""
    expect(page.locator(".field-error, .form-errors").filter(has_text=text).first).to_be_visible()


def forged_post(page: Page, path: str, data: dict[str, str] | None = None) -> int:
    """POST ``data`` to ``path`` from ``page`` with the page's valid CSRF token, as a person
    crafting the request by hand would; returns the HTTP status."""
    return page.evaluate(
        """async ([path, data]) => {
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const body = new FormData();
            for (const [key, value] of Object.entries(data)) body.append(key, value);
            const response = await fetch(path, {method: "POST", body, redirect: "manual",
                headers: {"X-CSRFToken": token}, credentials: "same-origin"});
            return response.status;
        }""",
        [path, data or {}],
    )


def save_screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """Save a screenshot (the whole page, or only the window) under docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
