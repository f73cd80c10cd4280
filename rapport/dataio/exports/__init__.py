"""Exports: list exports (CSV, XLSX) and the GDPR export of one person."""
