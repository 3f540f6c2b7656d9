"""REDCap: export a cohort as a REDCap project (`export`), and import REDCap records through a
mapping file (`mapping`, `importer`)."""
