"""``ping.php``: `Notifications` (``client.notify``), the notifications of monitoring task
groups."""

from __future__ import annotations

from .._errors import ValidationError
from .._wire.checks import check_int, check_text
from .._wire.records import parse_ok
from .base import Area

__all__ = ["Notifications"]


class Notifications(Area):
    """Notifications of monitoring task groups: ``client.notify``."""

    __slots__ = ()

    async def notify(
        self,
        task_group_id: int,
        *,
        name: str | None = None,
        host: str | None = None,
        info: str | None = None,
        recovered: bool = False,
    ) -> None:
        """Send the notification of a monitoring task group (``ping.php``).

        Not retried once it may have reached the server: a repeat notifies twice.

        Args:
            task_group_id: the group's id (the "ID" column in the account).
            name: fills ``{NAME}`` (rule or server name).
            host: fills ``{HOST}`` (the checked server's address).
            info: fills ``{INFO}`` (more about the event).
            recovered: use the group's recovery template instead of the failure one.

        Raises:
            NotFoundError: error 3, no such task group. DuplicateRequestError: more than five
            identical notifications a minute.
        """
        params = {"id": str(check_int("task_group_id", task_group_id, 1, 2**63 - 1))}
        for key, value in (("name", name), ("host", host), ("info", info)):
            if value is not None:
                params[key] = check_text(key, value, 1000, single_line=key != "info")
        if not isinstance(recovered, bool):
            raise ValidationError("recovered", "must be True or False")
        if recovered:
            params["ok"] = "1"
        text = await self._call("ping", params, idempotent=False)
        parse_ok(text, fmt=3, endpoint="ping")
