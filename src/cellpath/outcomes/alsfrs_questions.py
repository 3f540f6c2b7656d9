"""The ALSFRS-R questionnaire as people answer it: one plain question per item, and the scale's
own answer wording from 4 (normal) to 0.

Answer wording: Cedarbaum JM et al., *The ALSFRS-R*, J Neurol Sci 1999;169:13–21 (via the
reproductions listed in shared/design/als-measures.md §1.1). Item 11's answer 0 has two wordings
in circulation; the one kept here is the original. Staff entry and patient self-report use the
same questions (item 5a or 5b is asked according to gastrostomy status).

A few of the scale's answers are clinical shorthand ("NPO", "Helpless", "non-ambulatory"). Where
a person answers for themselves (the patient portal, the application form) `plain_choices` gives
the same answer in everyday words (`Question.plain`), one meaning per score; staff entry and the
exports keep the scale's own wording.
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
    plain: tuple[tuple[int, str], ...] = ()  # (score, everyday wording) where the scale's is not

    @property
    def number(self) -> str:
        """As printed on the scale: "1" … "12", "5a", "5b"."""
        return next(i.number for i in ALSFRS_R_ITEMS if i.key == self.item)

    def choices(self) -> list[tuple[int, str]]:
        """(score, the scale's own wording), 4 first."""
        return [(4 - i, text) for i, text in enumerate(self.answers)]

    def plain_choices(self) -> list[tuple[int, str]]:
        """(score, wording a person answering for themselves reads), 4 first."""
        plain = dict(self.plain)
        return [(score, plain.get(score, text)) for score, text in self.choices()]


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
        plain=(
            (3, "Speech noticeably changed"),
            (2, "Understood, but has to repeat words"),
            (1, "Speech together with other ways of communicating, such as writing or a device"),
            (0, "No useful speech"),
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
        plain=(
            (2, "Food has to be softer, mashed or thickened"),
            (1, "Needs some food or drink through a feeding tube"),
            (0, "Nothing by mouth: all food and drink through a tube or a drip"),
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
        plain=((1, "Can help a carer only a little"),),
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
        plain=(
            (3, "Manages alone, but with effort or more slowly"),
            (2, "Needs help now and then, or does things a different way"),
            (1, "Needs someone to help with washing and dressing"),
            (0, "Needs someone to do all of it"),
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
        plain=(
            (1, "Can start to turn, but cannot turn or adjust the sheets alone"),
            (0, "Cannot turn or adjust the sheets at all"),
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
        plain=(
            (3, "Early walking difficulties"),
            (1, "Cannot walk, but can still move the legs usefully"),
            (0, "Cannot move the legs on purpose"),
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
        plain=((0, "Great difficulty breathing: thinking about a breathing machine"),),
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
        plain=(
            (3, "Uses a breathing mask machine (BiPAP) now and then"),
            (2, "Uses a breathing mask machine (BiPAP) all night"),
            (1, "Uses a breathing mask machine (BiPAP) all night and during the day"),
            (
                0,
                "Uses a breathing machine through a tube in the mouth or neck "
                "(intubation or tracheostomy)",
            ),
        ),
    ),
)

BY_ITEM = {q.item: q for q in QUESTIONS}


def questions_for(*, gastrostomy: bool) -> list[Question]:
    """The 12 questions a person answers: item 5a without a gastrostomy, 5b with one."""
    skip = item5_key(gastrostomy=not gastrostomy)
    return [q for q in QUESTIONS if q.item != skip]
