"""What a browser would send for the first form of a page: the tests that post a form back as
it was rendered (races, a form saved unchanged) read it with this one parser."""

from __future__ import annotations

from html.parser import HTMLParser

_NOT_SENT = ("checkbox", "radio", "submit", "file")


class _FirstForm(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea, self.inside, self.done = {}, None, None, 0, 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.done or (tag != "form" and not self.inside):
            return
        if tag == "form":
            self.inside = 1
        elif tag == "input" and a.get("name") and a.get("type") not in _NOT_SENT:
            self.fields[a["name"]] = a.get("value") or ""
        elif tag == "input" and a.get("type") in ("checkbox", "radio") and "checked" in a:
            self.fields[a["name"]] = a.get("value") or "y"
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value") or ""
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.inside:
            self.done = 1

    def handle_data(self, text):
        if self.textarea and not self.done:
            self.fields[self.textarea] += text


def first_form_in_main(html: str) -> dict:
    """The fields of the first form inside the page's <main> (the menu's language and logout
    forms come before it): inputs, checked boxes and radios, selected options, textareas."""
    parser = _FirstForm()
    parser.feed(html.split("<main", 1)[1])
    return parser.fields
