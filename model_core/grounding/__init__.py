"""Grounding: which words and cues a rationale cites, where they are, and whether they hold."""

from model_core.grounding.citations import Citation, ground
from model_core.grounding.claims import Claim, extract_claims
from model_core.grounding.metrics import GroundingMetrics, grounding_metrics
from model_core.grounding.verdicts import (
    CONTRADICTED,
    NOT_FOUND,
    NOT_MEASURABLE,
    SUPPORTED,
    TRANSCRIPT_UNRELIABLE,
    UNCHECKED,
    VERDICTS,
)

__all__ = [
    "CONTRADICTED",
    "NOT_FOUND",
    "NOT_MEASURABLE",
    "SUPPORTED",
    "TRANSCRIPT_UNRELIABLE",
    "UNCHECKED",
    "VERDICTS",
    "Citation",
    "Claim",
    "GroundingMetrics",
    "extract_claims",
    "ground",
    "grounding_metrics",
]
