"""The emulator's state: its clock, accounts, the records tests read (ledger, ping events,
requests), its settings, and the server-wide state every endpoint shares."""
