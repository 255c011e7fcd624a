"""Meta-portfolio pipeline of tradingview_scraper and its golden-file regression harness."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
