"""EmoReasoner: Whisper + an emotion encoder, one adapter each, into a LoRA-tuned chat LLM.

The audio becomes two runs of LLM embeddings (speech tokens, then emotion tokens) placed
where the user turn of the chat template says ``<|emostudio_audio|>``. Label
probabilities score every label of the set as the answer's continuation; rationales are
generated after the chosen label.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import torch
from torch import nn

from model_core.acoustics.analysis import AcousticAnalysis, analyze_acoustics
from model_core.audio.recording import MODEL_SAMPLE_RATE
from model_core.devices import Placement
from model_core.model.adapter import Branch, frames_per_token
from model_core.model.audio_tokens import EncodedAudio
from model_core.model.building import (
    SEED_OFFSETS,
    add_lora,
    load_emotion_encoder,
    load_llm,
    load_whisper,
    seeded,
)
from model_core.model.config import PROSODY, EmoReasonerConfig
from model_core.model.encoders import (
    MEL_FRAMES_PER_ENCODER_FRAME,
    WHISPER_FRAME_RATE,
    WhisperInputs,
    join_windows,
    pad_frames,
    run_whisper_encoder,
    select_windows,
    whisper_inputs,
)
from model_core.model.prompts import AUDIO_PLACEHOLDER, Prompt, label_answer
from model_core.model.prosody import ProsodyEncoder, prosody_features
from model_core.model.shared_prefix import (
    MIN_SHARED_TOKENS,
    run_shared_prefix,
    shared_prefix_length,
)

if TYPE_CHECKING:
    from model_core.model.head import LabelHead

IGNORE = -100  # label id that the loss skips
# Best-of-k drafts (issue 30): k sampled rationales per clip, the review picks one.
MAX_DRAFTS = 4
DRAFT_TEMPERATURE = 0.7  # warm enough for k drafts to differ, cool enough to stay on task
DRAFT_TOP_P = 0.95
WHISPER_ENCODER_BATCH = {"cpu": 4}  # 30 s windows per encoder call; GPUs take DEFAULT
WHISPER_ENCODER_BATCH_DEFAULT = 32


@dataclass
class ClipInput:
    """One clip for the model: mono 16 kHz samples and (optionally) what is already computed.

    Training caches what frozen parts produce: ``speech_frames`` (Whisper's encoder
    states of the clip's real audio, shape (n, d)), ``emotion_frames`` (a frozen emotion
    encoder's states) and ``prosody`` (the prosody encoder's input features, shape
    (T, 84)); given, they are used instead of recomputing, and ``samples`` may be None.
    """

    samples: np.ndarray | None
    analysis: AcousticAnalysis | None = None
    f0_reference_hz: float = 159.0
    speech_frames: torch.Tensor | None = None
    emotion_frames: torch.Tensor | None = None
    prosody: np.ndarray | None = None


class EmoReasoner(nn.Module):
    """The dual-encoder audio-LLM (see docs/ARCHITECTURE.md, "The model")."""

    def __init__(self, config: EmoReasonerConfig, placement: Placement):
        super().__init__()
        self.config = config
        self.placement = placement
        self.llm_int8 = False  # set by model_core.model.quantize: inference only
        dtype = placement.dtype
        self.whisper, self.feature_extractor, self.whisper_tokenizer = load_whisper(config, dtype)
        self.whisper.requires_grad_(False)
        self.emotion_encoder = load_emotion_encoder(config, dtype)
        trainable_emotion = config.emotion_encoder == PROSODY and config.train_emotion_encoder
        self.emotion_encoder.requires_grad_(trainable_emotion)
        llm, self.tokenizer = load_llm(config, dtype)
        llm.requires_grad_(False)
        self.llm = add_lora(llm, config)
        llm_dim = llm.get_input_embeddings().embedding_dim
        hidden = config.adapter_hidden_size or llm_dim
        speech_dim = self.whisper.config.d_model
        emotion_rate = self.emotion_encoder.frame_rate
        with seeded(config.seed + SEED_OFFSETS["adapters"]):
            self.speech_branch = Branch(
                speech_dim,
                frames_per_token(WHISPER_FRAME_RATE, config.speech_tokens_per_30s),
                config.speech_stack,
                hidden,
                llm_dim,
            )
            self.emotion_branch = Branch(
                self.emotion_encoder.output_dim,
                frames_per_token(emotion_rate, config.emotion_tokens_per_30s),
                config.emotion_stack,
                hidden,
                llm_dim,
            )
        # The label head (model_core.model.head), when the checkpoint has one: it gives the
        # label; the LLM writes the rationale.
        self.head: LabelHead | None = None
        self.to(device=placement.device, dtype=dtype)
        self.eval()

    # ----------------------------------------------------------------- encoders
    @property
    def device(self) -> torch.device:
        return self.placement.device

    def whisper_states(
        self, clips: list[ClipInput], head_layer: int | None = None, head_only: bool = False
    ) -> tuple[WhisperInputs, torch.Tensor | None]:
        """Whisper's encoder over every window of the clips, in the model's context
        (``config.whisper_context``): (inputs, (n_windows, frames, d)).

        With a label head (or ``head_layer`` given), ``inputs.head_states`` keeps that
        encoder layer's states from the same pass. ``head_only``: the encoder stops after
        that layer (a label from the head needs no more) and the final states are None.

        ASR can reuse these states (see :meth:`model_core.asr.Transcriber.transcribe`).
        """
        samples = [np.asarray(c.samples, dtype=np.float32) for c in clips]
        inputs = whisper_inputs(
            samples, self.feature_extractor, self.config.whisper_context, self.config.whisper_tail_s
        )
        layer = head_layer
        if layer is None and self.head is not None:
            layer = self.head.whisper_layer
        if head_only and layer is None:
            raise ValueError(f"{self.config.name} has no label head: a head-only pass needs one")
        # A few windows at a time on CPUs: one 30 s window's attention is 1500 x 1500 per
        # head, and 32 windows at once ran 3x slower than in groups of 4 (memory traffic).
        # Windows of like length run together, so a short one is not run at a long one's.
        group = WHISPER_ENCODER_BATCH.get(self.device.type, WHISPER_ENCODER_BATCH_DEFAULT)
        order = sorted(range(len(inputs.owners)), key=lambda w: inputs.valid_frames[w])
        frames = inputs.features.shape[-1] // MEL_FRAMES_PER_ENCODER_FRAME
        states = head_states = None
        for first in range(0, len(order), group):
            windows = order[first : first + group]
            last, kept = run_whisper_encoder(
                self.whisper.model.encoder,
                select_windows(inputs, windows),
                self.device,
                self.placement.dtype,
                layer,
                to_the_end=not head_only,
            )
            if last is not None:
                if states is None:
                    states = last.new_zeros(len(order), frames, last.shape[-1])
                states[windows, : last.shape[1]] = last
            if kept is not None:
                if head_states is None:
                    head_states = kept.new_zeros(len(order), frames, kept.shape[-1])
                head_states[windows, : kept.shape[1]] = kept
        inputs.head_states = head_states
        return inputs, states

    def encode(
        self,
        clips: list[ClipInput],
        whisper: tuple[WhisperInputs, torch.Tensor | None] | None = None,
        branches: tuple[str, ...] = ("speech", "emotion"),
    ) -> EncodedAudio:
        """Both encoders and adapters for a batch of clips of any lengths.

        ``branches`` names the branches that learn from this batch; the others run without
        gradients (task-alternating training: speech tasks train the speech branch, emotion
        tasks the emotion branch, LoRA always).
        """
        if whisper is None and all(c.speech_frames is not None for c in clips):
            frames, mask = pad_frames(cast("list[torch.Tensor]", [c.speech_frames for c in clips]))
            frames, mask = frames.to(self.device, self.placement.dtype), mask.to(self.device)
        else:
            inputs, hidden = whisper if whisper is not None else self.whisper_states(clips)
            # Not None: only a head-only pass leaves out the final states, and none comes here.
            frames, mask = join_windows(cast(torch.Tensor, hidden), inputs, len(clips))
        with torch.set_grad_enabled(torch.is_grad_enabled() and "speech" in branches):
            speech, speech_mask = self.speech_branch(frames, mask)
        with torch.set_grad_enabled(torch.is_grad_enabled() and "emotion" in branches):
            frames, mask = self._emotion_frames(clips)
            emotion, emotion_mask = self.emotion_branch(frames, mask)
        return EncodedAudio(speech, speech_mask, emotion, emotion_mask)

    def _emotion_frames(self, clips: list[ClipInput]) -> tuple[torch.Tensor, torch.Tensor]:
        if isinstance(self.emotion_encoder, ProsodyEncoder):
            features, mask = pad_frames([torch.from_numpy(self.prosody_input(c)) for c in clips])
            encoded: tuple[torch.Tensor, torch.Tensor] = self.emotion_encoder(
                features.to(self.device, self.placement.dtype), mask.to(self.device)
            )
            return encoded
        if all(c.emotion_frames is not None for c in clips):
            frames, mask = pad_frames(cast("list[torch.Tensor]", [c.emotion_frames for c in clips]))
            return frames.to(self.device, self.placement.dtype), mask.to(self.device)
        encoded = self.emotion_encoder(
            [c.samples for c in clips], self.device, self.placement.dtype
        )
        return encoded

    @staticmethod
    def prosody_input(clip: ClipInput) -> np.ndarray:
        """The prosody encoder's features of a clip, shape (T, 84) (computed if not given)."""
        if clip.prosody is not None:
            return clip.prosody
        samples = cast(np.ndarray, clip.samples)  # given whenever the prosody is not
        analysis = clip.analysis or analyze_acoustics(samples, MODEL_SAMPLE_RATE)
        return prosody_features(samples, MODEL_SAMPLE_RATE, analysis, clip.f0_reference_hz)

    def frozen_emotion_frames(self, clips: list[ClipInput]) -> list[torch.Tensor] | None:
        """A frozen emotion encoder's states per clip (n_i, d), or None for the prosody encoder."""
        if isinstance(self.emotion_encoder, ProsodyEncoder):
            return None
        frames, mask = self.emotion_encoder(
            [c.samples for c in clips], self.device, self.placement.dtype
        )
        return [frames[i][mask[i]] for i in range(len(clips))]

    # ----------------------------------------------------------------- prompts
    def _prompt_ids(self, prompt: Prompt) -> tuple[list[int], list[int]]:
        """Token ids before and after the audio in the chat-templated user turn."""
        messages = [
            {"role": "system", "content": self.config.system_prompt},
            {"role": "user", "content": prompt.user_text()},
        ]
        text = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False
        )
        before, found, after = text.partition(AUDIO_PLACEHOLDER)
        if not found:
            raise ValueError("the chat template dropped the audio placeholder")
        encode = self.tokenizer
        return (
            encode(before, add_special_tokens=False)["input_ids"],
            encode(after, add_special_tokens=False)["input_ids"],
        )

    def _ids(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"] if text else []

    def _sequence(
        self,
        audio: EncodedAudio,
        i: int,
        prompt: Prompt,
        answer_ids: list[int],
        prefix_ids: Sequence[int] = (),
        prompt_ids: tuple[list[int], list[int]] | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Embeddings (L, H) and loss labels (L,) of one example; labels cover the answer.
        ``prompt_ids``: the prompt's :meth:`_prompt_ids`, when the caller has them."""
        before, after = prompt_ids or self._prompt_ids(prompt)
        embed = self.llm.get_input_embeddings()
        ids: Callable[[list[int]], torch.Tensor] = lambda values: torch.tensor(  # noqa: E731
            values, dtype=torch.long, device=self.device
        )
        audio_tokens = audio.tokens_of(i).to(embed.weight.dtype)
        tail = list(after) + list(prefix_ids) + list(answer_ids)
        embeddings = torch.cat([embed(ids(before)), audio_tokens, embed(ids(tail))])
        labels = torch.full((len(embeddings),), IGNORE, dtype=torch.long, device=self.device)
        if answer_ids:
            labels[-len(answer_ids) :] = ids(answer_ids)
        return embeddings, labels

    @staticmethod
    def _pad(
        rows: list[tuple[torch.Tensor, torch.Tensor]], left: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Stack (embeddings, labels) rows with padding on the right (or left)."""
        longest = max(len(e) for e, _ in rows)
        dim = rows[0][0].shape[-1]
        embeds = rows[0][0].new_zeros(len(rows), longest, dim)
        labels = torch.full((len(rows), longest), IGNORE, dtype=torch.long, device=embeds.device)
        mask = torch.zeros(len(rows), longest, dtype=torch.long, device=embeds.device)
        for r, (e, lab) in enumerate(rows):
            span = slice(longest - len(e), longest) if left else slice(0, len(e))
            embeds[r, span], labels[r, span], mask[r, span] = e, lab, 1
        return embeds, mask, labels

    # ----------------------------------------------------------------- training
    def forward(
        self,
        clips: list[ClipInput],
        prompts: list[Prompt],
        answers: list[str],
        branches: tuple[str, ...] = ("speech", "emotion"),
    ) -> torch.Tensor:
        """Mean cross-entropy of the answer tokens (each answer ends with the EOS token).

        This is ``forward`` so that data-parallel wrappers (DDP through Accelerate) see the
        call and synchronise gradients; :meth:`loss` is the same, by name.
        """
        audio = self.encode(clips, branches=branches)
        eos = [self.tokenizer.eos_token_id]
        rows = [
            self._sequence(audio, i, p, self._ids(a) + eos)
            for i, (p, a) in enumerate(zip(prompts, answers, strict=True))
        ]
        embeds, mask, labels = self._pad(rows)
        loss: torch.Tensor = self.llm(inputs_embeds=embeds, attention_mask=mask, labels=labels).loss
        return loss

    loss = forward

    # ----------------------------------------------------------------- inference
    @torch.inference_mode()
    def score_labels(
        self, clips: list[ClipInput], prompts: list[Prompt], audio: EncodedAudio | None = None
    ) -> np.ndarray:
        """P(label | audio, prompt) over exactly the configured label set.

        Each label's answer start ("Emotion: <label>\\n") is scored as the continuation
        of the prompt: the prompt runs once per clip and its key/value cache is shared by
        all labels. The sums of the continuation's token log-probabilities are
        normalised over the set by a softmax.

        Returns
        -------
        np.ndarray, shape (n_clips, n_labels), rows sum to 1
        """
        audio = audio if audio is not None else self.encode(clips)
        n_labels = len(self.config.labels)
        rows = [self._sequence(audio, i, prompt, []) for i, prompt in enumerate(prompts)]
        embeds, mask, _ = self._pad(rows, left=True)  # left: every prompt ends at the same column
        prompt_out = self.llm(inputs_embeds=embeds, attention_mask=mask, use_cache=True)
        first_log_probs = torch.log_softmax(prompt_out.logits[:, -1].float(), dim=-1)  # (B, V)
        answers = [self._ids(label_answer(label)) for label in self.config.labels]
        longest = max(len(ids) for ids in answers)
        ids = torch.full(
            (n_labels, longest), self.tokenizer.pad_token_id, dtype=torch.long, device=self.device
        )
        valid = torch.zeros(n_labels, longest, dtype=torch.long, device=self.device)
        for j, answer in enumerate(answers):
            ids[j, : len(answer)], valid[j, : len(answer)] = torch.tensor(answer), 1
        batch = len(prompts)
        cache = prompt_out.cache
        cache.batch_repeat_interleave(n_labels)
        continuation = self.llm(
            input_ids=ids.repeat(batch, 1),
            attention_mask=torch.cat(
                [mask.repeat_interleave(n_labels, dim=0), valid.repeat(batch, 1)], dim=1
            ),
            cache=cache,
            use_cache=True,
        )
        later = torch.log_softmax(
            continuation.logits[:, :-1].float(), dim=-1
        )  # predicts tokens 1..
        targets = ids.repeat(batch, 1)
        first = (
            first_log_probs.repeat_interleave(n_labels, dim=0).gather(1, targets[:, :1]).squeeze(1)
        )
        rest = (
            later.gather(-1, targets[:, 1:].unsqueeze(-1)).squeeze(-1)
            * valid.repeat(batch, 1)[:, 1:]
        )
        totals = (first + rest.sum(dim=-1)).view(batch, n_labels)
        return torch.softmax(totals, dim=-1).cpu().numpy()

    @torch.inference_mode()
    def generate(
        self,
        clips: list[ClipInput],
        prompts: list[Prompt],
        *,
        prefixes: list[str] | None = None,
        max_new_tokens: int | None = None,
        on_text: Callable[[int, str], None] | None = None,
        audio: EncodedAudio | None = None,
        drafts: int = 1,
        vocabulary: list[str] | None = None,
        sample: bool | None = None,
        **generation_options: Any,
    ) -> list[str]:
        """Answers continuing from each ``prefixes[i]`` (e.g. the chosen label line).

        One greedy answer per clip; with ``drafts`` = k > 1, k sampled answers per clip
        (temperature :data:`DRAFT_TEMPERATURE`), all in one batch whose common prompt
        prefix runs once; the list then holds clip ``i``'s drafts at ``i*k .. i*k+k-1``.
        ``sample`` overrides the choice (sampled single drafts: a second pass of
        :func:`model_core.model.drafting.draft_rationales`).
        ``vocabulary``: one text per clip (its evidence and transcript); each clip's
        answer may then use only tokens of that text, of :data:`~model_core.model.
        vocabulary.RATIONALE_WORDS` and of punctuation (:mod:`model_core.model.vocabulary`).
        ``on_text(i, delta)`` receives the text of clip ``i`` (its first draft) as it is
        generated; further keyword arguments go to transformers' ``generate``.
        """
        from model_core.model.streaming import CallbackStreamer

        if not 1 <= drafts <= MAX_DRAFTS:
            raise ValueError(f"drafts must be 1..{MAX_DRAFTS}, got {drafts}")
        audio = audio if audio is not None else self.encode(clips)
        prefixes = prefixes or [""] * len(prompts)
        prompt_ids = [self._prompt_ids(prompt) for prompt in prompts]
        rows = [
            self._sequence(audio, i, prompt, [], self._ids(prefix), ids)
            for i, (prompt, prefix, ids) in enumerate(
                zip(prompts, prefixes, prompt_ids, strict=True)
            )
            for _ in range(drafts)
        ]
        # The prompts' common opening runs once for the batch (model_core.model.shared_prefix):
        # a clip's drafts share their whole prompt.
        shared = shared_prefix_length([before for before, _ in prompt_ids for _ in range(drafts)])
        cached = {}
        if len(rows) > 1 and shared >= MIN_SHARED_TOKENS:
            embeds, mask, cache = run_shared_prefix(self.llm, [e for e, _ in rows], shared)
            cached["cache"] = cache
        else:
            embeds, mask, _ = self._pad(rows, left=True)
        streamer = None
        if on_text:
            first_drafts = on_text
            if drafts > 1:  # the first draft of each clip is streamed

                def first_drafts(row: int, delta: str) -> None:
                    if row % drafts == 0:
                        on_text(row // drafts, delta)

            streamer = CallbackStreamer(self.tokenizer, len(rows), first_drafts)
        sampling: dict[str, Any] = {"do_sample": False}
        if drafts > 1 if sample is None else sample:
            sampling = {"do_sample": True, "temperature": DRAFT_TEMPERATURE, "top_p": DRAFT_TOP_P}
        if vocabulary is not None:
            from model_core.model.vocabulary import VocabularyConstraint

            allowed = [text for text in vocabulary for _ in range(drafts)]
            constraint = VocabularyConstraint(self.tokenizer, allowed)
            generation_options["logits_processor"] = [constraint]
        if self.config.no_repeat_ngram_size:
            generation_options.setdefault("no_repeat_ngram_size", self.config.no_repeat_ngram_size)
        with warnings.catch_warnings():
            # n-grams are then blocked in the answer only, not against the prompt: wanted
            # (the evidence table's phrases are there to be used once)
            warnings.filterwarnings("ignore", "Passing `no_repeat_ngram_size` with `inputs_embeds`")
            output = self.llm.generate(
                inputs_embeds=embeds,
                attention_mask=mask,
                **cached,
                **sampling,
                max_new_tokens=max_new_tokens or self.config.max_rationale_tokens,
                eos_token_id=self.tokenizer.eos_token_id,
                pad_token_id=self.tokenizer.pad_token_id,
                streamer=streamer,
                **generation_options,
            )
        return [self.tokenizer.decode(row, skip_special_tokens=True).strip() for row in output]

    # ----------------------------------------------------------------- parameters
    def trainable_state(self) -> dict[str, dict[str, torch.Tensor]]:
        """What a checkpoint stores: adapters, the trained emotion encoder, LoRA weights."""
        from peft import get_peft_model_state_dict

        if self.llm_int8:
            raise ValueError(
                "this model's LLM was quantised to int8 for inference: its LoRA weights are "
                "merged away; load the checkpoint again to train or save it"
            )

        state = {
            "adapters": {
                f"speech_branch.{k}": v for k, v in self.speech_branch.state_dict().items()
            }
            | {f"emotion_branch.{k}": v for k, v in self.emotion_branch.state_dict().items()},
            "lora": get_peft_model_state_dict(self.llm),
        }
        if isinstance(self.emotion_encoder, ProsodyEncoder) and self.config.train_emotion_encoder:
            state["emotion_encoder"] = self.emotion_encoder.state_dict()
        return state

    # ----------------------------------------------------------------- checkpoints
    def save_pretrained(
        self,
        folder: str | Path,
        model_card: str | None = None,
        extra_files: dict[str, str] | None = None,
    ) -> Path:
        """Write the trained parts and the config (see :mod:`model_core.model.checkpoint`)."""
        from model_core.model.checkpoint import save_checkpoint

        return save_checkpoint(self, folder, model_card, extra_files)

    @classmethod
    def from_pretrained(cls, folder: str | Path, placement: Placement) -> EmoReasoner:
        """Load a checkpoint folder; base weights come from the config's sources."""
        from model_core.model.checkpoint import load_checkpoint

        return load_checkpoint(folder, placement)
