"""Apply: candidate applications, their instant pre-screen, and the coordinators' triage queue."""
