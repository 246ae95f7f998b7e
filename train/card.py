"""Model cards: what a checkpoint is, how it was trained, and how it measured."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from string import Template

from model_core.errors import EmoStudioError
from model_core.model.config import EmoReasonerConfig

EVALUATION_HEADING = "## Evaluation"
CARDS = Path(__file__).with_name("cards")  # card and licence templates, $name fields


class CardError(EmoStudioError, ValueError):
    """A card template names a field its figures do not give."""


def render_card(template: str, fields: Mapping[str, object]) -> str:
    """Fill the ``$name`` fields of ``train/cards/<template>`` (``.md`` if no suffix given).

    Raises
    ------
    CardError
        When the template names a field ``fields`` lacks: a card never ships with a
        placeholder in it.
    """
    path = CARDS / (template if Path(template).suffix else f"{template}.md")
    try:
        return Template(path.read_text()).substitute(fields)
    except KeyError as err:
        raise CardError(f"{path.name}: no figure for the field ${err.args[0]}") from err


def training_card(config: EmoReasonerConfig, args: dict) -> str:
    """The card ``fit`` writes into ``output/final``."""
    training = args.get("training", {})
    data = args.get("data", {})
    return (
        "\n".join(
            [
                f"# {config.name} {config.version}",
                "",
                "An EmoReasoner checkpoint (EmoStudio): only the trained parts are stored; base weights "
                "are resolved from the sources below.",
                "",
                "## Model",
                f"- speech encoder: `{config.speech_encoder}` (frozen)",
                f"- emotion encoder: `{config.emotion_encoder}`"
                + (
                    " (trained)"
                    if config.train_emotion_encoder and config.emotion_encoder == "prosody"
                    else " (frozen)"
                ),
                f"- LLM: `{config.llm}` with LoRA r={config.lora_r}, alpha {config.lora_alpha} on "
                f"{', '.join(config.lora_targets)}",
                f"- labels: {', '.join(config.labels)}",
                f"- tokens per 30 s: {config.speech_tokens_per_30s} speech, {config.emotion_tokens_per_30s} emotion; "
                f"prompt holds transcript: {config.include_transcript}, cue text: {config.include_cues}",
                "",
                "## Training",
                f"- data: {', '.join(data.get('train', [])) or 'given directly'}; "
                f"rationales: {data.get('rationales') or 'template'}",
                f"- {args.get('examples', '?')} examples, {args.get('units', '?')} (example, task) pairs, "
                f"{args.get('processes', 1)} process(es)",
                f"- tasks {', '.join(training.get('tasks', []))}; schedule {training.get('schedule')}"
                + (" + a final joint epoch" if training.get("final_joint_epoch") else "")
                + f"; {training.get('epochs')} epochs of batches of {training.get('batch_size')}"
                f" x {training.get('gradient_accumulation')} accumulation",
                f"- AdamW, learning rate {training.get('learning_rate')} (warm-up {training.get('warmup_ratio')}, "
                f"cosine decay), weight decay {training.get('weight_decay')}, seed {training.get('seed')}",
                "",
                "## Limits",
                "- Measured on the data above only; judge it on recordings like yours before relying on it.",
                "- Labels and rationales are model output: check the citations EmoStudio shows beside them.",
                "",
            ]
        )
        + "\n"
    )


def add_evaluation(folder: Path, markdown: str, specs: list[str]) -> Path:
    """Put (or replace) the card's evaluation section, written atomically."""
    card = folder / "README.md"
    text = card.read_text(encoding="utf-8") if card.exists() else f"# {folder.name}\n"
    if EVALUATION_HEADING in text:
        text = text[: text.index(EVALUATION_HEADING)].rstrip() + "\n"
    text += f"\n{EVALUATION_HEADING}\n\nOn {', '.join(specs)}:\n\n{markdown}\n"
    handle, tmp = tempfile.mkstemp(prefix=".README.", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, card)
    return card
