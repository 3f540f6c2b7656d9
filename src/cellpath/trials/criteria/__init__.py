"""Reading eligibility criteria: ClinicalTrials.gov free text → structured ALS criteria.

`splitting` cuts the text into inclusion and exclusion items; `reader` reads each item.
"""
