"""Scaling Workbook helper library: laws, fitters, data sources, plotting and widgets."""
__version__ = "0.1.0"
