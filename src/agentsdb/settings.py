"""The settings domain of the client: each user's settings, starting with the reporting time
zone the daily statistics count the user's days in (issue 10).

Written like `usage.py`: generators of transport calls that `Operations` inherits, so
`Client` and `AsyncClient` get the same methods.
"""

from __future__ import annotations

from uuid import UUID

from . import inputs
from .models import UserSettings
from .transport import eq

#: The zone of a user who has set none.
DEFAULT_TIME_ZONE = "UTC"


class SettingsOperations:
    """User settings; relies on `Operations` for `_select`, `_rpc` and `transport`."""

    def get_settings(self) -> UserSettings:
        """The caller's settings; a user who has set nothing gets the defaults (time zone
        UTC)."""
        me = self.transport.caller_id()
        if me is None:
            raise TypeError("get_settings: the client acts as no user (sign in as one)")
        rows = yield from self._select(UserSettings, "user_settings", [eq("user_id", me)], limit=1)
        if rows:
            return rows[0]
        return UserSettings(user_id=UUID(me), time_zone=DEFAULT_TIME_ZONE)

    def set_time_zone(self, time_zone: str) -> UserSettings:
        """Set the caller's reporting time zone: 'UTC' or a canonical IANA name such as
        'Europe/Paris' (the database refuses abbreviations and offsets with InvalidInput
        22023). Days already in the statistics keep the old zone until they are refreshed
        (`agentsdb stats refresh --since`)."""
        zone = inputs.required_text("time_zone", time_zone)
        rows = yield from self._rpc("set_time_zone", {"time_zone": zone}, UserSettings.columns())
        row = rows[0] if isinstance(rows, list) else rows
        return UserSettings.from_row(row)
