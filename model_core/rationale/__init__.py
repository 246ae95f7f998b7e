"""Rationales: the composer that writes evidence-weighing rationales from measurements, and
the review that checks a model's draft before anyone reads it."""
