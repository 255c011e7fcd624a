"""The golden suite's pytest side: pending outputs and the per-case drift summary."""

from tradingview_scraper.harness.pytest_plugin import golden_pending, pytest_terminal_summary

__all__ = ["golden_pending", "pytest_terminal_summary"]
