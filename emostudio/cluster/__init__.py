"""Batch analysis on a Ray cluster (``emostudio import --cluster``): optional, ``.[cluster]``.

:mod:`~emostudio.cluster.work` runs on the workers (no Ray import);
:mod:`~emostudio.cluster.driver` and :mod:`~emostudio.cluster.ray_session` run here, in the
one process that writes the project.
"""
