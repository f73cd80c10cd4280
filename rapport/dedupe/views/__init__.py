"""Pages of the duplicates feature."""
