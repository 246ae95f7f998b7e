"""EmoStudio: a desktop workbench for speech-emotion reasoning (app, CLI, store)."""

__version__ = "0.1.0"
