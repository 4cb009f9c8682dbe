"""``send.php`` and ``/rest/send/``: the handler, and what it builds on: reading the messages
and recipients, units and cost, the file rules per kind, and the success answer."""
