"""The newsletter: double opt-in sign-up, one-click unsubscribe, the export of the active list."""
