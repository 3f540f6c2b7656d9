"""Intake forms, one module per area: applying, triage, screening criteria, and what the
public forms share."""
