"""Find trials: ClinicalTrials.gov import, ALS trial search, eligibility reading, matching."""
