"""Fault injection: what goes wrong (`Fault`), when (`FaultPlan`), and how it plays out for a
request (`enact`), whichever server carries it."""
