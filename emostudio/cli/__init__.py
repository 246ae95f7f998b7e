"""Command-line front end: the same model_core calls the GUI makes, for scripts."""
