"""mltriad: model cards, decision records and evaluation sets, checked and gated like code."""

__version__ = "0.1.0"
