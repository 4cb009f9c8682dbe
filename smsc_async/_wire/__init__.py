"""The wire format: form fields and their types, and reading the four answer formats."""
