"""The cohort report's pure part: arrays in, arrays out, each method citing its source.

No Django and no I/O (an import contract checks it), so that ``cellpath report`` works on a
registry's CSV files without the web application.
"""
