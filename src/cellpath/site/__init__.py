"""The site: settings, root URLs, base templates, static files, background tasks, the demo."""
