"""The ALSFRS-R as a FHIR R4 Questionnaire (Cedarbaum 1999), made from the vocabulary and the
questions every Cellpath form asks: one `choice` item per stored item, linkId = the item's key.

Answers are codings "4" … "0" whose display is the scale's wording for that item; the score is
the answer option's `itemWeight` (and, for R4 readers, `ordinalValue` on the coding). The codings
carry no system: they are the scores of this questionnaire, not a shared code system.
Item 5 is asked as 5a or 5b according to a boolean `gastrostomy` item (`enableWhen`).
Pure Python: no Django.
"""

from __future__ import annotations

from typing import Any

from cellpath.exchange.fhir import codes
from cellpath.outcomes.alsfrs_questions import QUESTIONS
from cellpath.outcomes.vocabulary import ALSFRS_R_ITEMS, ITEM5_KEYS

GASTROSTOMY_QUESTION = "Does the patient have a gastrostomy (feeding tube)?"


def answer_coding(item_key: str, score: int) -> dict[str, Any]:
    """The coding that answers `item_key` with `score` (0–4), as the Questionnaire offers it."""
    question = _QUESTIONS[item_key]
    if not 0 <= score <= 4:
        raise ValueError(f"An ALSFRS-R score is 0–4, not {score!r}")
    return {"code": str(score), "display": question.answers[4 - score]}


def answer_options(item_key: str) -> list[dict[str, Any]]:
    """The answer options of one item, 4 (normal) first."""
    return [
        {
            "extension": [{"url": codes.ITEM_WEIGHT_EXTENSION, "valueDecimal": score}],
            "valueCoding": {
                **answer_coding(item_key, score),
                "extension": [{"url": codes.ORDINAL_VALUE_EXTENSION, "valueDecimal": score}],
            },
        }
        for score in range(4, -1, -1)
    ]


def _item(key: str) -> dict[str, Any]:
    item = _ITEMS[key]
    question = _QUESTIONS[key]
    entry: dict[str, Any] = {
        "linkId": key,
        "code": [{"system": codes.LOINC, "code": codes.ALSFRS_R_ITEM_CODES[key]}],
        "prefix": item.number,
        "text": f"{item.title}: {question.question}",
        "type": "choice",
        "required": True,
        "answerOption": answer_options(key),
    }
    if key in ITEM5_KEYS:  # 5a without a gastrostomy, 5b with one
        entry["enableWhen"] = [
            {
                "question": codes.GASTROSTOMY_LINK_ID,
                "operator": "=",
                "answerBoolean": key == ITEM5_KEYS[1],
            }
        ]
    return entry


def item_order() -> list[str]:
    """The linkIds in the Questionnaire's order: items 1–4, gastrostomy, 5a, 5b, 6–12."""
    keys = [item.key for item in ALSFRS_R_ITEMS]
    at = keys.index(ITEM5_KEYS[0])
    return [*keys[:at], codes.GASTROSTOMY_LINK_ID, *keys[at:]]


def alsfrs_questionnaire() -> dict[str, Any]:
    """The ALSFRS-R Questionnaire resource, JSON-ready."""
    items = [
        {
            "linkId": codes.GASTROSTOMY_LINK_ID,
            "text": GASTROSTOMY_QUESTION,
            "type": "boolean",
            "required": True,
        }
        if link_id == codes.GASTROSTOMY_LINK_ID
        else _item(link_id)
        for link_id in item_order()
    ]
    return {
        "resourceType": "Questionnaire",
        "id": "alsfrs-r",
        "url": codes.QUESTIONNAIRE_URL,
        "version": codes.QUESTIONNAIRE_VERSION,
        "name": "ALSFRS_R",
        "title": "ALS Functional Rating Scale – Revised (ALSFRS-R)",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "The revised ALS Functional Rating Scale (Cedarbaum JM et al., J Neurol Sci "
            "1999;169:13–21): 12 items scored 4 (normal) to 0; item 5 is 5a without a "
            "gastrostomy and 5b with one. Total 0–48."
        ),
        "code": [{"system": codes.LOINC, "code": codes.ALSFRS_R_PANEL}],
        "item": items,
    }


_ITEMS = {item.key: item for item in ALSFRS_R_ITEMS}
_QUESTIONS = {question.item: question for question in QUESTIONS}
