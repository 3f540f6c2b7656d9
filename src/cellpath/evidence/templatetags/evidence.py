"""`{{ text|markdown }}`: an editor's Markdown as safe HTML with its figures linked."""

from django import template
from django.utils.safestring import SafeString

from cellpath.evidence.rendering import render

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render(text)
