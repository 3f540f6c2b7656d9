"""The cohort report: a programme's outcomes set against what ALS would have done anyway.

``reports.analysis`` is the pure part (NumPy/SciPy, no Django): the statistics, small-number
suppression, matched external controls and the report itself, computed from tables in the
``cellpath outcomes`` CSV contract. The Django part reads the records of the sites a user may
see (scoped and audited), renders one template for the page and the PDF, and publishes the
suppressed public card. It may read care, intake, programmes, evidence and outcomes; nothing
reads it. The definitions are ``shared/design/reports-and-interop.md`` §1 and §5.
"""
