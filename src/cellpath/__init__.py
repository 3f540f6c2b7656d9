"""Cellpath: the pathway of an ALS cell-therapy programme, run on evidence."""
