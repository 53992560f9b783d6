"""The four checked formats, on the cases of the JSON Schema test suite and a few of our own."""

from __future__ import annotations

import pytest

from contracttest.validate.formats import FORMATS, is_date_time, is_email, is_uri, is_uuid


@pytest.mark.parametrize(
    "value",
    [
        "1963-06-19T08:30:06.283185Z",
        "1963-06-19T08:30:06Z",
        "1937-01-01T12:00:27.87+00:20",
        "1990-12-31T15:59:50.123-08:00",
        "1998-12-31T23:59:60Z",
        "1998-12-31T15:59:60.123-08:00",
        "2024-02-29T00:00:00Z",
        "1963-06-19t08:30:06.283185z",
    ],
)
def test_date_time_accepts(value: str) -> None:
    assert is_date_time(value)


@pytest.mark.parametrize(
    "value",
    [
        "1998-12-31T23:59:61Z",
        "1998-12-31T23:58:60Z",
        "1998-12-31T22:59:60Z",
        "1990-12-31T15:59:60-24:00",
        "1990-12-31T15:59:60-00:60",
        "1990-02-31T15:59:59.123-08:00",
        "2023-02-29T00:00:00Z",
        "1963-06-19T08:30:06.28123+01:00Z",
        "06/19/1963 08:30:06 PST",
        "2013-350T01:01:01",
        "1963-06-19",
        "1963-06-1\u09eaT00:00:00Z",
        "1963-06-11T0\u09ea:00:00Z",
        "2024-01-01T10:00:00",
        "",
    ],
)
def test_date_time_rejects(value: str) -> None:
    assert not is_date_time(value)


def test_uuid() -> None:
    assert is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d16380")
    assert is_uuid("2EB8AA08-AA98-11EA-B4AA-73B441D16380")
    assert is_uuid("00000000-0000-0000-0000-000000000000")
    assert not is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d1638")
    assert not is_uuid("2eb8aa08aa9811eab4aa73b441d16380")
    assert not is_uuid("{2eb8aa08-aa98-11ea-b4aa-73b441d16380}")
    assert not is_uuid("2eb8aa08-aa98-11ea-b4ga-73b441d16380")
    assert not is_uuid("2eb8aa08-aa98-11ea-b4aa-73b441d16380\n")


@pytest.mark.parametrize(
    "value",
    [
        "http://foo.bar/?baz=qux#quux",
        "http://foo.com/blah_(wikipedia)_blah#cite-1",
        "http://foo.bar/?q=Test%20URL-encoded%20stuff",
        "http://xn--nw2a.xn--j6w193g/",
        "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com",
        "http://223.255.255.254",
        "ftp://ftp.is.co.za/rfc/rfc1808.txt",
        "http://www.ietf.org/rfc/rfc2396.txt",
        "ldap://[2001:db8::7]/c=GB?objectClass?one",
        "mailto:John.Doe@example.com",
        "news:comp.infosystems.www.servers.unix",
        "tel:+1-816-555-1212",
        "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
        "https://api.vapi.ai:443/phone-number",
    ],
)
def test_uri_accepts(value: str) -> None:
    assert is_uri(value)


@pytest.mark.parametrize(
    "value",
    [
        "//foo.bar/?baz=qux#quux",
        "/abc",
        "\\\\WINDOWS\\fileshare",
        "abc",
        "http:// shouldfail.com",
        ":// should fail",
        "bar,baz:foo",
        "http://example.com/\u00e4",
        "http://[2001:db8::7/",
        "http://host:80a/",
        "",
    ],
)
def test_uri_rejects(value: str) -> None:
    assert not is_uri(value)


@pytest.mark.parametrize(
    "value",
    [
        "joe.bloggs@example.com",
        "te~st@example.com",
        "~test@example.com",
        "test~@example.com",
        '"joe bloggs"@example.com',
        '"joe..bloggs"@example.com',
        "joe.bloggs@[127.0.0.1]",
        "joe.bloggs@[IPv6:::1]",
    ],
)
def test_email_accepts(value: str) -> None:
    assert is_email(value)


@pytest.mark.parametrize(
    "value",
    [
        "2962",
        ".test@example.com",
        "test.@example.com",
        "te..st@example.com",
        "joe.bloggs@invalid=domain.com",
        "joe.bloggs@[127.0.0.300]",
        "@example.com",
        "joe@",
        "joe@-example.com",
    ],
)
def test_email_rejects(value: str) -> None:
    assert not is_email(value)


def test_only_four_formats_are_checked() -> None:
    assert sorted(FORMATS) == ["date-time", "email", "uri", "uuid"]
