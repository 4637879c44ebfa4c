"""State machines of the investigation process. Importing the package imports nothing."""
