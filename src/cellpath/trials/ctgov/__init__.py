"""Reading ClinicalTrials.gov and storing its studies: the import wing of `trials`.

Data flows one way through it:

- `sources` — where study files come from (the bulk ZIP, a folder, one file, the live API v2),
  one `Entry` at a time;
- `records` — one study's v2 JSON parsed into a typed `StudyRecord`, or refused with a reason;
- `rows` — a record made into the `Trial` and `TrialSite` rows it is stored as (the criteria
  reader, `trials.criteria`, runs here on ALS studies);
- `importer` — batches of rows written (added, replaced or left), by worker processes
  (`workers`) for a large source; `reread_criteria` reads stored texts again;
- `commands` — `cellpath trials import | sync | reread`;
- `synthetic` — invented studies in the registry's shape, for tests and the benchmark.

Importing this package imports none of them: the worker processes are spawned and load only
what `workers` asks for.
"""
