"""The API areas: one module per SMSC endpoint area, from call to request to typed result."""
