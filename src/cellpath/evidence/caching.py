"""Public pages are the same for every visitor: cache them whole, per address, for a minute.

The cache key carries a content generation number that every write to the library moves on
(`services.content_generation`), so an editor's change shows at once in this process and within
`PUBLIC_CACHE_SECONDS` in others. Signed-in users always get a fresh, private page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from cellpath.evidence.services import content_generation

PUBLIC_CACHE_SECONDS = 60
BROWSER_CACHE_SECONDS = 300


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous GET requests from the page cache; mark responses public or private."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or request.user.is_authenticated or len(get_messages(request)):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"cellpath:public-page:{content_generation()}:{path}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            patch_cache_control(response, public=True, max_age=BROWSER_CACHE_SECONDS)
            patch_vary_headers(response, ["Cookie"])
            if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
                cache.set(key, response, PUBLIC_CACHE_SECONDS)
        return response

    return wrapped
