"""The eligibility-criteria reader: ClinicalTrials.gov free text → structured ALS criteria.

What it reads
=============

The ``eligibilityModule.eligibilityCriteria`` string of a ClinicalTrials.gov v2 study record.
The data element definitions ask for a bulleted list of criteria below the headers "Inclusion
Criteria" and "Exclusion Criteria" (at most 20,000 characters); in v2 the text is Markdown-ish.
``shared/design/trials-and-evidence.md`` §1.4 lists the shapes seen in real ALS records, all of
which are read here: headers in any case, with or without the colon, with a qualifier
("Inclusion Criteria (with exceptions for each group):", "Key Inclusion Criteria", "Inclusion
Criteria for Healthy Volunteers:"); bullets ``*`` ``-`` ``+`` ``•`` ``–`` and numbered lists
``1.`` ``1)`` ``(1)`` ``a.`` ``ii.``, nested by indentation or by a change of marker under an item
ending in ":"; Markdown escapes (``\\>`` ``\\<`` ``\\>=`` ``\\*``), undone first; a sentence
before the headers; text with no headers at all; populations grouped under sub-headers ("ALS
participants:", "Healthy volunteers:", "Family members:") or tagged ("(SOD1 ALS only)",
"(healthy volunteers only)").

It is rule-based, offline and deterministic (the standard library, and the clinical vocabulary of
`cellpath.outcomes`). §4.2 of the reference argues for deterministic checks of ALS's structured
criteria (onset window, ALSFRS-R, vital capacity, El Escorial, background drugs), with a third
outcome for the rest like TrialGPT's "not enough information" (§4.1). So an item that cannot be
structured is never dropped: it is kept as field ``other`` (op ``present``, no value) with its
text, for a matcher to show as unknown.

Where each part is
==================

- `splitting` — the text cut into inclusion and exclusion items (``split_criteria``);
- `contract` — what comes out: the field names, operators, El Escorial values, `Criterion`;
- `quantities` — numbers, number words, units, ranges and comparisons; durations and rates in
  the fields' units;
- `concepts` — the concepts an item names, and which number belongs to which;
- `presence` — presence criteria and their negation;
- `el_escorial` — El Escorial (and Awaji) categories;
- `reader` — the entry points ``read_criteria`` and ``criteria_json``: each item's criteria
  assembled, field by field;
- `commands` — ``cellpath trials criteria FILE``.

Sources: ClinicalTrials.gov data element definitions (Eligibility Criteria) and real ALS records,
``shared/design/trials-and-evidence.md`` §1.4; TrialGPT's criterion labels and the case for
deterministic ALS checks, §4.1–4.2 (Jin et al., Nat Commun 2024). The rules' own sources are in
their modules.
"""
