"""Treat and follow up: patient records (and, in later issues, courses, visits and assessments)."""
