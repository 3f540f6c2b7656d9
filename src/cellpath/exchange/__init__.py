"""Exchange: the cohort's data out (tidy CSVs, FHIR R4, REDCap) and in (REDCap, PRO-ACT)."""
