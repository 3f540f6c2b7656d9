"""The ALSFRS-R questionnaire as people answer it: one plain question per item, and the scale's
own answer wording from 4 (normal) to 0.

Answer wording: Cedarbaum JM et al., *The ALSFRS-R*, J Neurol Sci 1999;169:13–21 (via the
reproductions listed in shared/design/als-measures.md §1.1). Item 11's answer 0 has two wordings
in circulation; the one kept here is the original. Staff entry and patient self-report use the
same questions (item 5a or 5b is asked according to gastrostomy status).
"""

from __future__ import annotations

from dataclasses import dataclass

from cellpath.outcomes.vocabulary import ALSFRS_R_ITEMS, item5_key


@dataclass(frozen=True)
class Question:
    item: str  # the record's field (`vocabulary.ALSFRS_R_KEYS`): q1 … q12, q5a, q5b
    title: str  # in plain words
    question: str
    answers: tuple[str, str, str, str, str]  # wording for scores 4, 3, 2, 1, 0

    @property
    def number(self) -> str:
        """As printed on the scale: "1" … "12", "5a", "5b"."""
        return next(i.number for i in ALSFRS_R_ITEMS if i.key == self.item)

    def choices(self) -> list[tuple[int, str]]:
        return [(4 - i, text) for i, text in enumerate(self.answers)]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "q1",
        "Speech",
        "How is your speech?",
        (
            "Normal speech processes",
            "Detectable speech disturbance",
            "Intelligible with repeating",
            "Speech combined with non-vocal communication",
            "Loss of useful speech",
        ),
    ),
    Question(
        "q2",
        "Salivation",
        "How is your saliva?",
        (
            "Normal",
            "Slight but definite excess of saliva in mouth; may have night-time drooling",
            "Moderately excessive saliva; may have minimal drooling",
            "Marked excess of saliva with some drooling",
            "Marked drooling; requires constant tissue or handkerchief",
        ),
    ),
    Question(
        "q3",
        "Swallowing",
        "How is your swallowing?",
        (
            "Normal eating habits",
            "Early eating problems – occasional choking",
            "Dietary consistency changes",
            "Needs supplemental tube feeding",
            "NPO (exclusively parenteral or enteral feeding)",
        ),
    ),
    Question(
        "q4",
        "Handwriting",
        "How is your handwriting?",
        (
            "Normal",
            "Slow or sloppy; all words are legible",
            "Not all words are legible",
            "Able to grip pen but unable to write",
            "Unable to grip pen",
        ),
    ),
    Question(
        "q5a",
        "Cutting food and handling utensils",
        "How do you manage cutting food and handling utensils?",
        (
            "Normal",
            "Somewhat slow and clumsy, but no help needed",
            "Can cut most foods, although clumsy and slow; some help needed",
            "Food must be cut by someone, but can still feed slowly",
            "Needs to be fed",
        ),
    ),
    Question(
        "q5b",
        "Handling fastenings and utensils (with a feeding tube)",
        "With your feeding tube, how do you manage fastenings and utensils?",
        (
            "Normal",
            "Clumsy but able to perform all manipulations independently",
            "Some help needed with closures and fasteners",
            "Provides minimal assistance to caregiver",
            "Unable to perform any aspect of task",
        ),
    ),
    Question(
        "q6",
        "Dressing and hygiene",
        "How do you manage dressing and washing?",
        (
            "Normal function",
            "Independent and complete self-care with effort or decreased efficiency",
            "Intermittent assistance or substitute methods",
            "Needs attendant for self-care",
            "Total dependence",
        ),
    ),
    Question(
        "q7",
        "Turning in bed",
        "How do you manage turning in bed and adjusting the bedclothes?",
        (
            "Normal",
            "Somewhat slow and clumsy, but no help needed",
            "Can turn alone or adjust sheets, but with great difficulty",
            "Can initiate, but not turn or adjust sheets alone",
            "Helpless",
        ),
    ),
    Question(
        "q8",
        "Walking",
        "How is your walking?",
        (
            "Normal",
            "Early ambulation difficulties",
            "Walks with assistance",
            "Non-ambulatory functional movement only",
            "No purposeful leg movement",
        ),
    ),
    Question(
        "q9",
        "Climbing stairs",
        "How do you manage stairs?",
        (
            "Normal",
            "Slow",
            "Mild unsteadiness or fatigue",
            "Needs assistance",
            "Cannot do",
        ),
    ),
    Question(
        "q10",
        "Shortness of breath (dyspnoea)",
        "When do you get short of breath?",
        (
            "None",
            "Occurs when walking",
            "Occurs with one or more of: eating, bathing, dressing",
            "Occurs at rest: difficulty breathing when either sitting or lying",
            "Significant difficulty: considering using mechanical respiratory support",
        ),
    ),
    Question(
        "q11",
        "Breathing lying down (orthopnoea)",
        "How do you sleep, given your breathing?",
        (
            "None",
            "Some difficulty sleeping at night due to shortness of breath; "
            "does not routinely use more than two pillows",
            "Needs extra pillows in order to sleep (more than two)",
            "Can only sleep sitting up",
            "Unable to sleep",
        ),
    ),
    Question(
        "q12",
        "Breathing support (respiratory insufficiency)",
        "Do you use a breathing machine?",
        (
            "None",
            "Intermittent use of BiPAP (non-invasive ventilation)",
            "Continuous use of BiPAP during the night",
            "Continuous use of BiPAP during the night and day",
            "Invasive mechanical ventilation by intubation or tracheostomy",
        ),
    ),
)

BY_ITEM = {q.item: q for q in QUESTIONS}


def questions_for(*, gastrostomy: bool) -> list[Question]:
    """The 12 questions a person answers: item 5a without a gastrostomy, 5b with one."""
    skip = item5_key(gastrostomy=not gastrostomy)
    return [q for q in QUESTIONS if q.item != skip]
