"""Open311 tokens: a handle a client can trade for the service_request_id.

Our orders get their number in the same transaction that creates them, so a token is never
needed to wait for one; clients that work with tokens still get one. It is the number with an
HMAC under the project's secret (`20251122000123-9f2c…`): nothing is stored, and a token cannot
be made up for an order without knowing the secret.
"""

from __future__ import annotations

from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "gongzhi.open311.token"
_DIGEST_CHARS = 16


def _digest(number: str) -> str:
    return salted_hmac(_SALT, number, algorithm="sha256").hexdigest()[:_DIGEST_CHARS]


def token_for(number: str) -> str:
    return f"{number}-{_digest(number)}"


def number_from_token(token: str) -> str | None:
    """The order number a token was made for, or None if the token is not one of ours."""
    number, _, digest = token.rpartition("-")
    if not number or not constant_time_compare(digest, _digest(number)):
        return None
    return number
