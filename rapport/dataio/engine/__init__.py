"""The import engine: batches of cleaned rows written with one query per lookup."""
