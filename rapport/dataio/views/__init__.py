"""Pages of the import/export app."""
