"""Terminal text: tables, visible control characters, and the one redaction of secrets."""

from __future__ import annotations

import psycopg
import pytest

from agentsdb.text import cell, connect_error, format_table, redact, visible


def test_cells_show_json_as_json_and_cut_cells_end_in_an_ellipsis():
    assert cell({"a": [1, None, True]}) == '{"a": [1, null, true]}'
    assert cell(None) == "" and cell(True) == "true" and cell(3) == "3"
    table = format_table(["name", "note"], [["x" * 12, "short"]], max_width=10)
    assert table.splitlines()[1] == "x" * 9 + "…  short"
    assert "…" not in format_table(["n"], [["x" * 10]], max_width=10)


def test_control_characters_are_shown_not_sent():
    hostile = "a\x1b[31mb\x07c\r\nd\te\u202ef\x00\x9b"
    shown = visible(hostile)
    assert shown == "a\\e[31mb\\x07c\\r\\nd\\te\\u202ef\\x00\\x9b"
    assert not any(ch in format_table(["h"], [[hostile]]) for ch in "\x1b\x07\r\u202e\x00\x9b")


SECRET = "S3cr3tPw"  # noqa: S105 (a probe, not a password)
HOSTILE_URLS = [
    f"postgresql://user:{SECRET}@db.example.test:5432/postgres",
    f"postgresql://user:{SECRET}@with@at@db.example.test/postgres",
    f"postgresql://user:{SECRET}:colon/slash@db.example.test/postgres",
    f"postgresql://db.example.test/postgres?sslmode=require&password={SECRET}&x=1",
    f"host=db.example.test user=u password={SECRET} dbname=postgres",
    f"host=db.example.test password = '{SECRET} with space' dbname=postgres",
    f"host=db.example.test sslpassword={SECRET}",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_redact_masks_every_form_of_password(url):
    assert SECRET not in redact(url)
    assert SECRET not in redact(f"cannot connect to {url}: refused", [url])
    assert "db.example.test" in redact(url), "only the secret goes"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://user:{SECRET} with space@db.example.test/postgres",
        f"postgresql://user:{SECRET}%zz@db.example.test/postgres",
        f"host=db.example.test password={SECRET} tail dbname",
        f"postgresql://user:{SECRET}@db.example.test:notaport/postgres",
    ],
)
def test_a_malformed_connection_string_never_shows_its_password(url):
    with pytest.raises(psycopg.Error) as info:
        psycopg.connect(url, connect_timeout=2).close()
    assert SECRET not in connect_error(info.value, url)


def test_tokens_and_given_secrets_are_masked():
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    assert jwt not in redact(f"Authorization: Bearer {jwt}")
    assert "opaque-token-1234" not in redact("Bearer opaque-token-1234 rejected")
    key = "sk-live-abcdef\nsecond-line-9876"
    text = f"Illegal header value b'Bearer {key}'"
    assert "abcdef" not in redact(text, [key]) and "second-line-9876" not in redact(text, [key])
