"""Scaling Workbook helper library: laws, fitters, data sources, plotting and widgets.

>>> from scaling_lib import datasets, fit_chinchilla
>>> from scaling_lib.laws import Chinchilla, PowerLaw, BrokenPowerLaw
"""
from .fitting import FitError, FitResult, fit, fit_chinchilla
from .passk import pass_at_k  # unbiased pass@k (Chen et al. 2021), also scaling_lib.testtime.pass_at_k

__version__ = "0.1.0"
__all__ = ["fit", "fit_chinchilla", "FitResult", "FitError", "pass_at_k"]
