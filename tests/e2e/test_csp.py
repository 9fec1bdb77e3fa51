"""The UI satisfies its Content-Security-Policy: no page breaks a rule of it in Chromium.

Every main page (``test_accessibility.PAGES``), the admin, the login page and the API docs
are loaded with a listener for ``securitypolicyviolation`` events and the console; a
blocked inline script, handler, style or eval shows up in either.
"""

import pytest
from playwright.sync_api import Page

from accounts.models import Role

from .test_accessibility import PAGES

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${where}`);
});
"""


def violations_on_reload(page: Page) -> list[str]:
    """Reload ``page`` with the listeners on; the policy violations it reports."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.reload(wait_until="networkidle")
    assert response is not None and "default-src 'self'" in response.headers.get(
        "content-security-policy", ""
    )
    return console + page.evaluate("() => window.__cspViolations")


@pytest.mark.parametrize("name", list(PAGES))
def test_main_page_breaks_no_csp_rule(visit, workspace, name):
    main_page = PAGES[name]
    page = visit(getattr(workspace, main_page.who), main_page.path(workspace))
    assert violations_on_reload(page) == []


@pytest.mark.parametrize("path", ["/admin/", "/admin/auth/user/", "/accounts/password_change/"])
def test_admin_and_account_pages_break_no_csp_rule(visit, person, path):
    admin = person("ada", "Ada Admin", role=Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    assert violations_on_reload(visit(admin, path)) == []


def test_login_page_breaks_no_csp_rule(visit):
    assert violations_on_reload(visit(None, "/accounts/login/")) == []


def test_api_docs_break_no_csp_rule(visit, person):
    page = visit(person("sam", "Sam Lindqvist"), "/api/docs/")
    assert violations_on_reload(page) == []
    assert page.locator(".swagger-ui .info").count() == 1  # the docs really rendered
