"""Markdown to safe HTML: rendered with Markdown, then sanitised with nh3.

Headings are demoted two levels (``#`` becomes ``<h3>``): the text sits under the page's own
``<h1>`` and the item's title, so its headings must not outrank them. Links that cannot be
followed leave their words and nothing else: an unclosed ``[text](url`` is closed, an image
becomes a link to it, and a link whose target the sanitiser refused (``javascript:``, empty),
or a reference to no definition, shows its text without the brackets.
"""

import re

import markdown as md
import nh3

_ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
}  # fmt: skip
_HEADING_SHIFT = 2

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")
# ``[text](target`` with no closing parenthesis before the end of the line.
_UNCLOSED_LINK = re.compile(r"(?<!!)\[([^\[\]\n]+)\]\(([^()\s]*)(?=[^)\n]*$)", re.MULTILINE)
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(")
# An anchor the sanitiser left without a usable href: keep its words.
_DEAD_LINK = re.compile(r'<a(?: href="")?(?: title="[^"]*")? rel="[^"]*">(.*?)</a>', re.DOTALL)
# ``[text][ref]`` or ``[text][]`` whose reference is defined nowhere (Markdown leaves it).
_UNRESOLVED_REFERENCE = re.compile(r"\[([^\[\]<>\n]+)\]\[[^\[\]<>\n]*\]")
_CODE = re.compile(r"(<pre>.*?</pre>|<code>.*?</code>)", re.DOTALL)


def _demote(match: re.Match) -> str:
    return f"<{match.group(1)}h{min(int(match.group(2)) + _HEADING_SHIFT, 6)}"


def _outside_code(html: str, fix) -> str:
    """Apply ``fix`` to the HTML between code blocks and spans, never inside them."""
    parts = _CODE.split(html)
    return "".join(part if i % 2 else fix(part) for i, part in enumerate(parts))


def render_markdown(text: str) -> str:
    """HTML for ``text``: raw HTML and scripts are stripped, links get ``rel=noopener``."""
    source = _IMAGE.sub(r"[\1](", text or "")
    source = _UNCLOSED_LINK.sub(r"[\1](\2)", source)
    html = md.markdown(source, extensions=["fenced_code", "tables", "sane_lists"])
    html = _HEADING_TAG.sub(_demote, html)
    html = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    html = _DEAD_LINK.sub(r"\1", html)
    return _outside_code(html, lambda part: _UNRESOLVED_REFERENCE.sub(r"\1", part))
