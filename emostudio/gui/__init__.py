"""The desktop app (PySide6 + pyqtgraph). Widgets never import torch: the model runs in
``workers.ModelService``'s thread, everything else heavy on the thread pool."""
