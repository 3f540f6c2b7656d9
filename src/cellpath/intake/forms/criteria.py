"""Programme staff edit their programme's screening criteria: one row per criterion, the value
typed as people write it ("18, 75" for between; "definite, probable" for one of). Installation
administrators may also use the admin's form (`CriterionAdminForm`)."""

from __future__ import annotations

from typing import Any

from django import forms

from cellpath.intake.models import ScreeningCriterion
from cellpath.screening import FIELDS, Criterion, parse_answer


def value_from_text(field: str, op: str, text: str) -> object:
    """The criterion's value from what staff typed; ValueError with a plain reason."""
    text = text.strip()
    if op in ("present", "absent"):
        if text:
            raise ValueError("Leave the value empty for “yes” or “no”.")
        return None
    if not text:
        raise ValueError("Type a value.")
    if op in ("between", "in", "not_in"):
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if FIELDS.get(field) and FIELDS[field].kind == "number":
            return [parse_answer(field, part) for part in parts]
        return parts
    if FIELDS.get(field) and FIELDS[field].kind == "number":
        return parse_answer(field, text)
    return text


def value_as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(part) for part in value)
    return str(value)


class CriterionForm(forms.ModelForm):
    value_text = forms.CharField(
        label="Value",
        required=False,
        max_length=200,
        help_text="A number; two numbers for “between” (18, 75); a list for “one of”; "
        "empty for yes/no questions.",
    )

    class Meta:
        model = ScreeningCriterion
        fields = ("field", "op", "kind", "explanation", "when_known", "order")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value_text"].initial = value_as_text(self.instance.value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors or not cleaned.get("field") or cleaned.get("DELETE"):
            return cleaned
        try:
            value = value_from_text(cleaned["field"], cleaned["op"], cleaned.get("value_text", ""))
        except ValueError as error:
            self.add_error("value_text", str(error))
            return cleaned
        problems = Criterion(
            field=cleaned["field"], op=cleaned["op"], value=value, section=cleaned["kind"]
        ).problems()
        if problems:
            self.add_error("value_text", " ".join(problems))
        self.instance.value = value
        return cleaned

    def _post_clean(self) -> None:
        # The model's own validation repeats the check above on the converted value; when the
        # typed value was refused already, there is nothing for it to check.
        if not self._errors:
            super()._post_clean()


CriterionFormSet = forms.modelformset_factory(
    ScreeningCriterion, form=CriterionForm, extra=1, can_delete=True
)


class CriterionAdminForm(forms.ModelForm):
    """The admin's form: refuses a criterion the screening cannot evaluate, with the reason."""

    class Meta:
        model = ScreeningCriterion
        fields = ("programme", "field", "op", "value", "kind", "explanation", "when_known",
                  "order")  # fmt: skip
