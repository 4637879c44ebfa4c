"""Use cases. Services change the session and flush; the view (or CLI) commits once."""
