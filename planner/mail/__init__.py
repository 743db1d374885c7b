"""The mail log and the outbox: the administrators' pages over planner.core.mail."""
