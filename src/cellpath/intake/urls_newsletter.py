"""Placeholder: filled in by the feature that owns it."""

urlpatterns: list = []
