"""Errors carrying the database's code, message, hint and detail (docs/errors.md lists them).

The same hierarchy is raised whichever transport ran the call: a PostgreSQL SQLSTATE from
psycopg, or the code PostgREST returns (which is the SQLSTATE for database errors, or a
PGRSTxxx code for errors of PostgREST itself).
"""

from __future__ import annotations


class AgentsDBError(Exception):
    """Base class. `code` is the SQLSTATE or PostgREST code."""

    def __init__(
        self, code: str | None, message: str, hint: str | None = None, detail: str | None = None
    ):
        super().__init__(f"[{code}] {message}" if code else message)
        self.code = code
        self.message = message
        self.hint = hint
        self.detail = detail


class NotFound(AgentsDBError):
    """The row or function does not exist, or the caller may not see it."""


class PermissionDenied(AgentsDBError):
    """The caller's role may not do this (grants or row level security)."""


class AuthenticationError(PermissionDenied):
    """The API refused the credentials themselves: a JWT that is invalid or expired
    (PGRST301, PGRST303). Sign in again or refresh the token."""


class InvalidInput(AgentsDBError):
    """A value was refused: a constraint, a type, an argument's range."""


class InvalidName(InvalidInput, ValueError):
    """A table, column, function or argument name that is not a plain identifier, refused
    before anything is sent (SQLSTATE 42602, invalid_name). Also a ValueError."""


class Conflict(AgentsDBError):
    """A unique rule was broken (the row exists already)."""


class BudgetExceeded(AgentsDBError):
    """A hard budget refused the admission of a model call (PT402, HTTP 402): its spent +
    open reservations + the estimate would pass its limit. The message names the budget."""


class TransportError(AgentsDBError):
    """The database or API could not be reached, or answered outside the contract."""


# SQLSTATE (or PostgREST code) to class; the first two characters pick the class otherwise.
_EXACT: dict[str, type[AgentsDBError]] = {
    # PTxyz: agentsdb's own codes, which PostgREST answers with HTTP status xyz.
    "PT400": InvalidInput,
    "PT401": PermissionDenied,
    "PT403": PermissionDenied,
    "PT402": BudgetExceeded,  # admit_model_call: a hard budget would be exceeded
    "PT404": NotFound,
    "PT409": Conflict,
    "P0002": NotFound,  # before agentsdb used PT404 (PostgREST answers P0002 with HTTP 500)
    "PGRST116": NotFound,  # .single() found no row
    "PGRST202": NotFound,  # no such function
    "PGRST205": NotFound,  # no such table
    "42P01": NotFound,  # undefined table
    "42883": NotFound,  # undefined function
    "42501": PermissionDenied,
    "42602": InvalidName,
    "PGRST300": AuthenticationError,  # JWT secret missing on the server
    "PGRST301": AuthenticationError,  # JWT invalid
    "PGRST302": AuthenticationError,  # anonymous access disabled
    "PGRST303": AuthenticationError,  # JWT expired (or claims invalid)
    "23505": Conflict,
    "23P01": Conflict,  # exclusion constraint
    "AB001": BudgetExceeded,
}
_CLASS: dict[str, type[AgentsDBError]] = {
    "22": InvalidInput,  # data exceptions
    "23": InvalidInput,  # integrity constraints
    "28": PermissionDenied,  # invalid authorization
    "08": TransportError,  # connection exceptions
}


def error_for(
    code: str | None, message: str, hint: str | None = None, detail: str | None = None
) -> AgentsDBError:
    code = None if code is None else str(code)
    cls = _EXACT.get(code or "") or _CLASS.get((code or "")[:2], AgentsDBError)
    return cls(code, message, hint, detail)
