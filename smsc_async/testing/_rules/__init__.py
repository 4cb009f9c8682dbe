"""The server's rules as plain functions and small trackers: SMS parts, recipients and message
ids, send times and time zones, the one-minute rate windows and the anti-flood count."""
