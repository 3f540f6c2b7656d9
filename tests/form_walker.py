"""The form walker's pieces: read a page's forms from its HTML as a browser would, build the
bad values a person can type into each field, and say whether a response shows an error next to
a field (issue 18: every form's every error renders).

A field's error is written by site/form_field.html as `<p class="error" id="<id>-error">` next to
the field, and Django marks the input itself `aria-invalid="true"`; either counts as "next to the
field". A form's own error (form_errors.html, error_summary.html) is a `role="alert"` box."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

TEXT_TYPES = frozenset({"text", "search", "tel", "url", "email", "password"})
NOT_FILLED = frozenset({"hidden", "submit", "button", "reset", "image"})

LONG_TEXT = "x" * 5000
PERCENT_TEXT = "100 % of %(x)s and %s"
"""A bare "%" and format placeholders: Django fills messages with `%`, so text that reaches a
message must never be taken for a format (the FVC 1009 % server error)."""

UNSHOWN_LIMITS = ("11", "201", "1009", "99999")
"""Just above limits a clinical number often has (10 litres, 200 % of predicted) and beyond: the
FVC of 1009 % that broke the form. Where the page shows its `max`, max + 1 is sent instead."""


@dataclass
class Field:
    """One named control of a form, as the page offers it."""

    name: str
    kind: str  # an <input> type, or "select", "select-multiple", "textarea"
    required: bool = False
    attrs: dict[str, str] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # choices of a select or radio group
    initial: list[str] = field(default_factory=list)  # what a browser would send untouched


@dataclass
class Form:
    method: str
    action: str | None
    enctype: str
    fields: dict[str, Field] = field(default_factory=dict)
    hidden: dict[str, str] = field(default_factory=dict)

    @property
    def fillable(self) -> list[Field]:
        return list(self.fields.values())

    @property
    def walked(self) -> list[Field]:
        """The fields to vary: of a formset's rows (`criteria-3-value`), the first row's only —
        every row is the same form."""
        seen: set[str] = set()
        controls = []
        for control in self.fields.values():
            shape = re.sub(r"-\d+-", "-#-", control.name)
            if shape not in seen:
                seen.add(shape)
                controls.append(control)
        return controls


class _FormParser(HTMLParser):
    """The <form>s of a page, with their controls (nested forms do not exist in HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict[str, str | None] | None = None
        self._option_text = ""
        self._textarea: Field | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "form":
            self._form = Form(
                method=attrs.get("method", "get").lower(),
                action=attrs.get("action"),
                enctype=attrs.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if attrs.get("tabindex") == "-1" and kind in TEXT_TYPES:
                return  # a bot trap people never see (forms.public.honeypot): left empty
            if kind in NOT_FILLED:
                if kind == "hidden":
                    form.hidden[name] = attrs.get("value", "")
                return
            control = self._field(name, kind, attrs)
            if kind in ("radio", "checkbox"):
                value = attrs.get("value", "on")
                control.options.append(value)
                if "checked" in attrs:
                    control.initial.append(value)
            else:
                control.initial = [attrs.get("value", "")]
        elif tag == "select" and name:
            kind = "select-multiple" if "multiple" in attrs else "select"
            self._select = self._field(name, kind, attrs)
        elif tag == "option" and self._select is not None:
            self._option = attrs
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea", attrs)
            self._textarea_text = ""

    def _field(self, name: str, kind: str, attrs: dict[str, str]) -> Field:
        assert self._form is not None
        control = self._form.fields.get(name)
        if control is None:
            control = self._form.fields[name] = Field(name=name, kind=kind, attrs=attrs)
        control.required = control.required or "required" in attrs
        if "id" in attrs:
            control.ids.append(attrs["id"])
        return control

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option.get("value")
            value = self._option_text.strip() if value is None else value
            self._select.options.append(value)
            if "selected" in self._option:
                self._select.initial.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if self._select.kind == "select" and not self._select.initial:
                self._select.initial = self._select.options[:1]  # a browser sends the first
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea_text
            self._textarea.initial = [text[1:] if text.startswith("\n") else text]
            self._textarea = None


def post_forms(html: str) -> list[Form]:
    """The forms of a page that POST something a person fills in (not the sign-out button)."""
    return forms_of(html, "post")


def forms_of(html: str, method: str) -> list[Form]:
    """The forms of a page sent with `method` that have something to fill in."""
    parser = _FormParser()
    parser.feed(html)
    return [form for form in parser.forms if form.method == method and form.fillable]


# --- values ------------------------------------------------------------------------------------


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def plausible(control: Field) -> list[str]:
    """What a person would send: the page's own value, or for an empty required field a value
    of the right shape."""
    if any(control.initial) or not control.required:
        return list(control.initial)
    kind = control.kind
    if kind in ("select", "select-multiple", "radio"):
        chosen = [option for option in control.options if option]
        return chosen[:1]
    if kind == "checkbox":
        return control.options[:1]
    if kind == "number":
        low, high = _number(control.attrs.get("min")), _number(control.attrs.get("max"))
        if low is not None and high is not None:
            return [_plain((low + high) // 2 if high - low >= 2 else low)]
        return [_plain(low if low is not None else high if high is not None else 1)]
    if kind == "date":
        return [control.attrs.get("max") or control.attrs.get("min") or "2025-06-02"]
    if kind == "email":
        return ["walker@example.org"]
    if kind == "file":
        return []
    return ["Walker"]


@dataclass(frozen=True)
class Variant:
    """A value for one field; `refused` when the page itself says the value is not allowed
    (required, a choice not offered, not a number or date, outside min/max/maxlength), so the
    form must answer with an error next to the field."""

    label: str
    value: Any
    refused: bool


def variants(control: Field) -> list[Variant]:
    kind, attrs = control.kind, control.attrs
    found = [Variant("missing", None, control.required)]
    maxlength = _number(attrs.get("maxlength"))
    if kind in TEXT_TYPES or kind == "textarea":
        if maxlength is not None:
            found.append(Variant("too long", "x" * (int(maxlength) + 1), True))
        found.append(Variant("very long", LONG_TEXT, maxlength is not None))
        found.append(Variant("percent", PERCENT_TEXT, kind in ("email", "url")))
        if kind == "email":
            found.append(Variant("wrong type", "abc", True))
    elif kind == "number":
        low, high = _number(attrs.get("min")), _number(attrs.get("max"))
        found.append(Variant("wrong type", "abc", True))
        found.append(Variant("percent", "95 %", True))
        if high is not None:
            found.append(Variant("above max", _plain(high + 1), True))
        if low is not None:
            found.append(Variant("below min", _plain(low - 1), True))
        if high is None:  # limits the page does not show (a model's validators): cross them
            for value in UNSHOWN_LIMITS:
                found.append(Variant(f"large {value}", value, False))
        if low is None:
            found.append(Variant("negative", "-1", False))
        found.append(Variant("huge", "9" * 25, high is not None))
        found.append(Variant("huge negative", "-" + "9" * 25, low is not None))
        found.append(Variant("not a number", "NaN", True))
    elif kind == "date":
        found.append(Variant("wrong type", "abc", True))
        found.append(Variant("impossible date", "2026-13-45", True))
        found.append(Variant("far future", "2999-01-01", bool(attrs.get("max"))))
        found.append(Variant("far past", "1800-01-01", bool(attrs.get("min"))))
    elif kind in ("select", "select-multiple", "radio"):
        # Django's yes / no / unknown select reads any other value as "unknown", by design.
        tri_state = set(control.options) == {"unknown", "true", "false"}
        found.append(Variant("not a choice", "not-a-choice", not tri_state))
    elif kind == "checkbox":
        found.append(Variant("not a choice", "not-a-choice", len(control.options) > 1))
    elif kind == "file":
        found.append(Variant("not the file asked for", "garbage", False))
    else:
        found.append(Variant("very long", LONG_TEXT, False))
        found.append(Variant("percent", PERCENT_TEXT, False))
    return found


def upload(value: Any, name: str) -> Any:
    if value == "garbage":
        return SimpleUploadedFile(f"{name}.csv", b"\x00\xff %(x)s 100 % not,what;was\nasked")
    return value


def post_data(form: Form, values: dict[str, list[str]]) -> dict[str, Any]:
    data: dict[str, Any] = dict(form.hidden)
    for name, sent in values.items():
        control = form.fields[name]
        if control.kind == "file":
            if sent:
                data[name] = upload(sent[0], name)
        elif sent:
            data[name] = sent if len(sent) > 1 else sent[0]
    return data


# --- what a response shows ---------------------------------------------------------------------

_ERROR_ID = re.compile(r'class="[^"]*\berror\b[^"]*"[^>]*\bid="([^"]+)-error"')
_INVALID = re.compile(r'<[^>]*aria-invalid="true"[^>]*>')
_NAME = re.compile(r'\bname="([^"]+)"')
_ALERT = re.compile(r'role="alert"|class="[^"]*\b(error-summary|errorlist|error)\b')


def fields_with_errors(html: str, form: Form) -> set[str]:
    """The names of the fields a page marks as wrong."""
    named = {name for tag in _INVALID.findall(html) for name in _NAME.findall(tag)}
    marked = set(_ERROR_ID.findall(html))
    for control in form.fields.values():
        ids = {i for i in control.ids} | {re.sub(r"_\d+$", "", i) for i in control.ids}
        if ids & marked:
            named.add(control.name)
    return named


def shows_an_error(html: str) -> bool:
    return bool(_ALERT.search(html))


# --- the form classes themselves ---------------------------------------------------------------


def _limits(field: Any, model_field: Any) -> list[str]:
    """Just beyond each limit a field or its model field validates."""
    from django.core import validators

    found = []
    for validator in [*field.validators, *getattr(model_field, "validators", [])]:
        limit = getattr(validator, "limit_value", None)
        if callable(limit) or not isinstance(limit, int | float | Decimal):
            continue
        if isinstance(validator, validators.MaxValueValidator):
            found.append(str(limit + 1))
        elif isinstance(validator, validators.MinValueValidator):
            found.append(str(limit - 1))
    return found


def bad_values(field: Any, model_field: Any = None) -> list[Any]:
    """What a person (or a tampered request) can send for a form field, by the field's type."""
    from django import forms

    values: list[Any] = ["", PERCENT_TEXT]
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        values += ["abc", "NaN", "inf", "1009", "9" * 25, "-" + "9" * 25, "1e400"]
        values += _limits(field, model_field)
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        values += ["abc", "2026-13-45", "2999-01-01", "1800-01-01", "0000-00-00"]
    elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        values += [["not-a-choice"], ["999999"], ["1", "1"]]
    elif isinstance(field, forms.ModelChoiceField):
        values += ["999999", "abc"]
    elif isinstance(field, forms.ChoiceField):
        values += ["not-a-choice"]
    elif isinstance(field, forms.BooleanField | forms.NullBooleanField):
        values += ["maybe", "on"]
    elif isinstance(field, forms.FileField):
        values += [upload("garbage", "upload")]
    elif isinstance(field, forms.JSONField):
        values += ["{not json", "[]", '{"a": 1e999}']
    elif isinstance(field, forms.EmailField):
        values += ["abc", "a@" + "x" * 300 + ".org"]
    else:
        values += ["x" * 5000, "abc"]
    return values
