"""The call path: every request's attempts, deadline, limiter slot and retry policy."""
