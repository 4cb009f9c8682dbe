"""Which endpoint answers which path: the emulator's one list of its API.

Each endpoint area is a module of this package with a handler that takes the request's
`Context` and returns the answer's text in the requested format (or raises `ApiFault`);
adding an endpoint is writing that module and registering its paths here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .._state.shared import Context
from .balance import handle_balance
from .op_templates import handle_op_templates
from .ping import handle_ping
from .send.handle import handle_send
from .status import handle_status
from .templates import handle_templates

__all__ = ["ROUTES", "Endpoint"]

Endpoint = Callable[[Context], str]
"""An endpoint: the request's context in, the answer's text out (or an `ApiFault`)."""

ROUTES: Mapping[str, Endpoint] = {
    "/sys/send.php": handle_send,
    "/rest/send/": handle_send,
    "/rest/send": handle_send,
    "/sys/status.php": handle_status,
    "/sys/balance.php": handle_balance,
    "/sys/templates.php": handle_templates,
    "/sys/op_templates.php": handle_op_templates,
    "/sys/ping.php": handle_ping,
}
