"""Every error message of every form renders: Django fills a field's message with `%` and its
parameters, so a bare "%" in the text ("200 % of predicted") broke the form with a server error
and lost what was typed (issue 18). Each message is formatted here as Django formats it."""

import importlib
import inspect
import pkgutil

from django import forms

import cellpath


class _AnyParams(dict):
    def __missing__(self, key: str) -> int:
        return 1


def _form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for module_info in pkgutil.walk_packages(cellpath.__path__, "cellpath."):
        if "forms" not in module_info.name.rsplit(".", 1)[-1] and ".forms." not in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def test_the_forms_are_found() -> None:
    names = {cls.__name__ for cls in _form_classes()}
    assert {"SpirometryForm", "WeightForm"} <= names, sorted(names)[:20]


def test_every_error_message_of_every_form_can_be_formatted() -> None:
    broken = []
    for cls in _form_classes():
        for name, field in getattr(cls, "base_fields", {}).items():
            for code, message in field.error_messages.items():
                try:
                    str(message) % _AnyParams()
                except (TypeError, ValueError, KeyError) as error:
                    broken.append(f"{cls.__name__}.{name} {code}: {message!r} ({error})")
    assert broken == []
