"""A browser for the process tests: plain HTTP/1.1, its own cookie jar, CSRF as a page does.

Cookies are kept per host, not per port (as browsers do), so one ``Browser`` can talk to
two app servers on different loopback ports the way a person behind a load balancer
talks to two app processes: same cookies, same session, whichever server answers.
Redirects are not followed, so a test can check each 303 it expects.
"""

from __future__ import annotations

import html
import http.client
import http.cookiejar
import json
import re
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlencode

HOST = "127.0.0.1"
TIMEOUT = 30.0

_PAGE_TOKEN = re.compile(r"hx-headers='\{\"x-csrftoken\": \"([^\"]+)\"\}'")
_FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_POLLER = re.compile(r'<div class="poller"[^>]*\shx-headers="([^"]*)"')


@dataclass
class Response:
    status: int
    headers: Message
    text: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class Browser:
    def __init__(self, port: int) -> None:
        self.port = port  # the server it talks to unless a request names another
        self.jar = http.cookiejar.CookieJar()
        self.token = ""  # the CSRF token of the last page, as a form or htmx would send it

    def request(
        self,
        method: str,
        path: str,
        *,
        port: int | None = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        port = port or self.port
        url = f"http://{HOST}:{port}{path}"
        # The jar works on urllib's requests; this one only carries the URL and the headers.
        carrier = urllib.request.Request(url, method=method)
        self.jar.add_cookie_header(carrier)
        sent = {"Host": f"{HOST}:{port}", "Connection": "close", **carrier.unredirected_hdrs}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"http://{HOST}:{port}"  # what a browser sends with a POST
        sent.update(headers or {})
        connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", "replace")
            self.jar.extract_cookies(raw, carrier)
        finally:
            connection.close()
        response = Response(raw.status, raw.headers, text)
        if method == "GET" and response.status == 200:
            match = _PAGE_TOKEN.search(text)
            if match:
                self.token = match.group(1)
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def submit(self, path: str, form: dict[str, str], **kwargs) -> Response:
        """A plain form POST, with the token from the page's hidden field."""
        return self.request(
            "POST", path, form={**form, "csrfmiddlewaretoken": self.token}, **kwargs
        )

    def htmx(
        self,
        method: str,
        path: str,
        *,
        current_url: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        port: int | None = None,
    ) -> Response:
        """A request as htmx sends it: its headers, and the CSRF token from ``<body hx-headers>``
        (a form's fields, hidden token included, go along with a POST)."""
        sent = {
            "HX-Request": "true",
            "HX-Current-URL": f"http://{HOST}:{port or self.port}{current_url}",
            "X-CSRFToken": self.token,
            **(headers or {}),
        }
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.token}
        return self.request(method, path, port=port, form=form, headers=sent)

    def cookie(self, name: str) -> str | None:
        for cookie in self.jar:
            if cookie.name == name:
                return cookie.value
        return None

    def set_cookie(self, name: str, value: str) -> None:
        """A cookie another process made for this browser (a session prepared in advance)."""
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, HOST, True, False, "/", True,
                False, None, False, None, None, {},
            )
        )  # fmt: skip


def poller_etag(text: str) -> str | None:
    """The ETag a live screen's poller sends back, read from its ``hx-headers`` as htmx does."""
    match = _POLLER.search(text)
    if match is None:
        return None
    return json.loads(html.unescape(match.group(1))).get("If-None-Match")


def form_token(text: str) -> str | None:
    match = _FORM_TOKEN.search(text)
    return match.group(1) if match else None
