"""FHIR R4: Cellpath's tidy-table rows as FHIR resources (pure Python, no Django).

`codes` holds every code, system and URL; `questionnaire` the ALSFRS-R Questionnaire;
`resources` one builder per resource from one row of `cellpath.exchange.tables`.
"""
