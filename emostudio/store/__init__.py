"""Projects: one private SQLite file per study (the standard library's sqlite3, rows by column name), import and export.

This package never imports Qt; the CLI and the GUI both use it.
"""

from emostudio.store.database import NewerStoreError, StoreError
from emostudio.store.project import Filters, Project, SearchError

__all__ = ["Filters", "NewerStoreError", "Project", "SearchError", "StoreError"]
