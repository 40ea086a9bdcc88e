"""Names of the environment variables the workbook reads, in one place.

Kept apart so that a module needing one of these names (the report runner, the results
record, the widgets) does not import another module's dependencies (matplotlib, papermill)
for a string.
"""

#: JSON file that :func:`scaling_lib.results.record` writes (default ``./results.json``).
RESULTS_ENV = "SCALING_LIB_RESULTS"

#: When ``1``, :func:`scaling_lib.results.record` also checks every headline number against the
#: notebook's expected values and raises :class:`scaling_lib.results.HeadlineMismatch` on a
#: number outside its tolerance. The notebook tests set it; reports with other parameters do not.
CHECK_ENV = "SCALING_LIB_CHECK_HEADLINES"

#: ``1`` forces the explorers' static figure (scripted runs), ``0`` forces the widgets.
HEADLESS_ENV = "SCALING_LIB_HEADLESS"
