"""One module per registered source.

Each module defines ``DESCRIPTION`` (what one row of the tidy table is), ``COLUMNS`` (a list of
:class:`scaling_lib.datasets.Column`) and ``parse(files) -> pandas.DataFrame``, where ``files``
maps repository-relative upstream paths to local cached paths. ``load`` validates the result
against ``COLUMNS``; a parser raises :class:`scaling_lib.datasets.DataFormatError` for raw
files that are malformed in ways the schema cannot see.
"""
