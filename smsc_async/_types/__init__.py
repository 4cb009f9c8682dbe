"""The typed values callers build and receive: messages, results, statuses, templates."""
