"""Registry CSV edge of the outcomes engine: reading/validating PATIENTS.csv and VISITS.csv and
writing outcome files. All file I/O lives here so that ``cellpath.outcomes`` stays pure."""
