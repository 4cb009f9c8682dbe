"""Bulk sending: messages packed into ``list`` requests, the engine, jobs and outcomes."""
