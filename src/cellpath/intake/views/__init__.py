"""Intake pages, one module per area: applying, matching an application against trials,
triage, screening criteria. The newsletter, packets and contact form are packages beside."""
