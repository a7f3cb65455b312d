"""Text for the terminal, shared by the CLI and the demo: tables, control characters made
visible, and the one redaction of secrets (passwords in connection strings, keys, tokens)
that every message goes through."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

ELLIPSIS = "…"
MASK = "****"

# C0 and C1 control characters, DEL, and the Unicode format characters that reorder or hide
# text (bidirectional overrides and isolates, zero-width joiners, BOM, line separators).
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}


def visible(text: str) -> str:
    """`text` with every control or invisible formatting character shown as an escape
    (`\\e`, `\\n`, `\\x07`, `\\u202e`), so text written by someone else cannot drive the
    terminal (colours, cursor moves, a fake prompt, reordered characters)."""

    def show(match: re.Match) -> str:
        ch = match.group()
        if ch in _NAMED:
            return _NAMED[ch]
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _INVISIBLE.sub(show, text)


def cell(value: Any) -> str:
    """One value as a table cell: empty for NULL, JSON for objects and arrays, else text."""
    if value is None:
        return ""
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def format_table(
    headers: list[str], rows: list[list[str]], *, indent: str = "", max_width: int | None = None
) -> str:
    """Left-aligned columns two spaces apart; control characters made visible; cells longer
    than `max_width` characters cut and marked with an ellipsis."""
    lines = [[visible(c) for c in line] for line in [headers, *rows]]
    if max_width:
        lines = [[_cut(c, max_width) for c in line] for line in lines]
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers))]
    return "\n".join(
        indent + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


# -- secrets --------------------------------------------------------------------------------

# user:password@ in a URL; the password may itself hold '@', ':' or '/', so it runs to the
# last '@' of the URL's authority-looking part (greedy, never across whitespace).
_URL_USERINFO = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/?#@]*:)(?P<secret>\S*)@", re.I)
# password=... in key=value connection strings, quoted or not; also sslpassword.
_KV_PASSWORD = re.compile(
    r"(?P<head>\b(?:ssl)?password\s*=\s*)(?P<secret>'(?:\\.|[^'\\])*'?|[^\s'&]\S*?)(?=[\s&]|$)",
    re.I,
)
# ?password=... / &password=... in a URL's query string.
_QUERY_PASSWORD = re.compile(r"(?P<head>[?&](?:ssl)?password=)(?P<secret>[^&\s#]*)", re.I)
# Bearer tokens and JWT-shaped strings.
_BEARER = re.compile(r"(?P<head>\bbearer\s+)(?P<secret>\S+)", re.I)
_JWT = re.compile(r"\beyJ[\w-]*\.[\w-]+\.[\w-]*")


def _mask_group(match: re.Match) -> str:
    return match.group("head") + MASK + ("@" if match.re is _URL_USERINFO else "")


def secrets_in(conninfo: str | None) -> list[str]:
    """The password-like parts of a connection string, however malformed, so an error that
    quotes a piece of it can be cleaned too."""
    if not conninfo:
        return []
    found = []
    for pattern in (_URL_USERINFO, _KV_PASSWORD, _QUERY_PASSWORD):
        for match in pattern.finditer(conninfo):
            secret = match.group("secret").strip("'")
            if secret:
                found.append(secret)
    return found


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every password, key and token masked: those of connection strings in it
    (URL userinfo, `password=` in key=value form or a query string), bearer tokens and
    JWTs, and every one of `secrets` (also a connection string's parts, and their pieces
    when a parser quoted only a piece: each whitespace-separated word of 4+ characters)."""
    if not text:
        return text
    words: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        parts = secrets_in(secret) or [secret]  # a connection string's passwords, or a key
        for part in parts:
            words.add(part)
            # A parser may quote only a piece (a password read as a port, a word after a
            # space): every piece of 4+ characters between separators goes too.
            words.update(w for w in re.split(r"[\s'\"@:/?&=]+", part) if len(w) >= 4)
    out = text
    for pattern in (_URL_USERINFO, _QUERY_PASSWORD, _KV_PASSWORD, _BEARER):
        out = pattern.sub(_mask_group, out)
    out = _JWT.sub(MASK, out)
    for word in sorted(words, key=len, reverse=True):
        if len(word) >= 4:
            out = out.replace(word, MASK)
    return out


def connect_error(exc: BaseException, conninfo: str | None) -> str:
    """A failed connection's message, safe to print: a connection string libpq could not
    parse has every quoted fragment of it removed from the message (the fragment may be a
    piece of the password), and every message is redacted."""
    message = str(exc).strip()
    if type(exc).__name__ == "ProgrammingError" and getattr(exc, "sqlstate", None) is None:
        message = re.sub(r'"[^"]*"', '"…"', message)
        message = f"malformed connection string: {message}"
    return redact(message, [conninfo])
