"""``analyze``: audio -> tracks and cues -> ASR -> EmoReasoner -> AnalysisResult.

The CLI and the GUI both call :class:`Analyzer`; it keeps the models loaded between
calls and runs each batch of clips through every model stage as one batch.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np

import model_core
from model_core.acoustics.analysis import AcousticAnalysis, AcousticSettings
from model_core.asr import DECODING_CONTEXT, Transcript
from model_core.asr_engines import TORCH, transcriber_for
from model_core.audio.recording import MODEL_SAMPLE_RATE, Recording
from model_core.clip_result import (
    MIN_VOICED_FRACTION,
    assemble_result,
    draft_accepted,
    reason_prompt_for,
    transcript_reliability,
)
from model_core.cues import CueSummary, SpeakerBaseline, analyze_clip
from model_core.devices import Placement, pick_placement
from model_core.language import EnglishCheck, english_probabilities, shared_check
from model_core.model.checkpoint import CheckpointError
from model_core.model.config import EmoReasonerConfig
from model_core.model.drafting import draft_rationales
from model_core.model.head import CUE_ORDER, VoiceStats, head_frames
from model_core.model.head_features import clip_head_features
from model_core.model.prompts import emotion_prompt, label_answer
from model_core.model.quantize import quantize_llm_int8, wants_llm_int8
from model_core.model.reasoner import ClipInput, EmoReasoner
from model_core.model.uncertainty import DEFAULT_COVERAGE
from model_core.rationale.compose import supported_by_cues
from model_core.rationale.review import CHECKED, COMPOSER, POLICIES
from model_core.rationale.uncertain import with_assessment, with_no_support
from model_core.result import AnalysisResult
from model_core.reuse import ClipKey, StageCache, draft_key, draft_seed

if TYPE_CHECKING:
    import torch

    from model_core.model.encoders import WhisperInputs
    from model_core.model.head import LabelHead
    from model_core.model.uncertainty import Assessment

DEFAULT_MODEL = "default"
# In a result's timings, beside the stages (seconds): how many clips shared each stage's time.
BATCH_SIZE_KEY = "batch_size"
MODELS_FOLDER = Path(model_core.__file__).resolve().parents[1] / "assets" / "models"
# Checkpoints that ship with EmoStudio, by the name ``--model`` takes.
SHIPPED_MODELS = {
    # The shipped default: a label head learnt from several corpora on Whisper states of
    # each clip's own frames (scripts/train_default.sh), and since 3.1.0 an LLM trained to
    # reason over the evidence table (train/recipes/reasoner-cpu.toml).
    "default": MODELS_FOLDER / "default",
    # The synthetic-prosody model (data that allow any use); the default's LLM was
    # continued from its adapters, encoder and LoRA.
    "synthetic": MODELS_FOLDER / "synthetic",
    # Since 3.0.0 the default reads each clip's own frames, as the fast model did: the
    # name stays for scripts that use it, and loads the default.
    "fast": MODELS_FOLDER / "default",
}
DEFAULT_CHECKPOINT = SHIPPED_MODELS[DEFAULT_MODEL]
VOICE_BATCH = 16  # clips per encoder pass when measuring a speaker's voice

_T = TypeVar("_T")


@dataclass
class Clip:
    """A recording, or a selection of it, to analyse."""

    recording: Recording
    start: float | None = None
    end: float | None = None
    measured: tuple[AcousticAnalysis, CueSummary] | None = None  # acoustics already computed
    baseline: SpeakerBaseline | None = None  # the speaker's; the analyzer's default if None
    # The speaker's voice for the label head (Analyzer.voice_of their recordings); None:
    # an unknown speaker, population weights.
    voice: VoiceStats | None = None


def _multilingual(model: EmoReasoner) -> bool:
    """Whether the model's Whisper knows languages other than English (tiny.en does not)."""
    return bool(getattr(model.whisper.generation_config, "is_multilingual", False))


def load_model(spec: str, placement: Placement) -> EmoReasoner:
    """A shipped checkpoint by name (:data:`SHIPPED_MODELS`) or a checkpoint folder.

    ``default`` falls back to untrained base weights when no default checkpoint ships
    (a source checkout without ``assets/models``).
    """
    shipped = SHIPPED_MODELS.get(spec)
    if shipped is not None and (shipped / "emostudio_config.json").exists():
        return EmoReasoner.from_pretrained(shipped, placement)
    if spec == DEFAULT_MODEL:
        return EmoReasoner(EmoReasonerConfig(name="emoreasoner-default-untrained"), placement)
    if shipped is not None:
        raise CheckpointError(f"the shipped model {spec!r} is missing: no checkpoint in {shipped}")
    return EmoReasoner.from_pretrained(Path(spec).expanduser(), placement)


def model_folder(spec: str) -> Path:
    """The folder a model spec names: a shipped checkpoint's, else the path itself."""
    return SHIPPED_MODELS.get(spec, Path(spec).expanduser())


class Analyzer:
    """Loaded models plus the steps that turn clips into :class:`AnalysisResult` objects."""

    def __init__(
        self,
        model: EmoReasoner,
        *,
        baseline: SpeakerBaseline | None = None,
        acoustic_settings: AcousticSettings = AcousticSettings(),
        rationale_policy: str = CHECKED,
        drafts: int | None = None,
        constrained_decoding: bool | None = None,
        language_check: bool | None = None,
        asr_engine: str | None = None,
        llm_int8: bool | None = None,
    ):
        if rationale_policy not in POLICIES:
            raise ValueError(
                f"rationale_policy must be one of {POLICIES}, got {rationale_policy!r}"
            )
        self.model = model
        # The LLM in int8 when asked (model_core.model.quantize): faster, but it reasons worse.
        if wants_llm_int8(model, llm_int8):
            quantize_llm_int8(model)
        self.rationale_policy = rationale_policy  # see model_core.rationale.review
        # Decoding of the LLM's rationale: the model's own settings unless given.
        self.drafts = drafts or model.config.drafts
        self.constrained_decoding = (
            model.config.constrained_decoding
            if constrained_decoding is None
            else constrained_decoding
        )
        self.baseline = baseline or SpeakerBaseline.population()
        # Transcripts and drafts of clips analysed before, for callers that analyse the
        # same clips again (the app: set it to a StageCache); None: nothing is reused.
        self.cache: StageCache | None = None
        # An English-only recogniser writes English whatever it hears: a trained model's
        # transcripts are checked by language identification (model_core.language) unless
        # the caller says otherwise; untrained test models skip it (it loads Whisper base).
        self.language_check = (
            model.config.trained and not _multilingual(model)
            if language_check is None
            else language_check
        )
        self.acoustic_settings = acoustic_settings
        if model.whisper_tokenizer is None:
            raise CheckpointError(
                f"{model.config.name}: its speech encoder has no Whisper tokenizer, so it cannot "
                'transcribe; analysis needs a real Whisper model (e.g. speech_encoder = "whisper-tiny.en")'
            )
        # CTranslate2 where the model's Whisper allows it (model_core.asr_engines).
        self.asr_engine = asr_engine
        self.transcriber = transcriber_for(model, asr_engine)

    @classmethod
    def load(cls, model: str = DEFAULT_MODEL, device: str = "auto", **options: Any) -> Analyzer:
        return cls(load_model(model, pick_placement(device)), **options)

    @property
    def model_info(self) -> dict[str, Any]:
        config = self.model.config
        return {
            "name": config.name,
            "version": config.version,
            "trained": config.trained,
            "labels": list(config.labels),
            "device": self.model.placement.describe(),
        }

    def analyze(
        self,
        clips: list[Clip],
        *,
        rationale: bool = True,
        transcribe: bool = True,
        on_text: Callable[[int, str], None] | None = None,
        on_stage: Callable[[str, dict[str, Any]], None] | None = None,
        reuse_drafts: Sequence[Sequence[str]] | None = None,
        known_transcripts: Sequence[tuple[Transcript, float | None]] | None = None,
    ) -> list[AnalysisResult]:
        """Analyse a batch of clips; every model stage runs once for the whole batch.

        ``transcribe=False`` skips ASR, the costliest stage on a CPU: the label (from a
        label head, which reads the voice, not the words) is unchanged, the transcript
        stays empty and a rationale can cite only the measured cues.

        ``on_text(i, delta)`` streams clip ``i``'s rationale as it is generated.
        ``on_stage(name, info)`` is called as each stage starts (``acoustics``,
        ``whisper_encoder``, ``asr``, ``encoders``, ``label_head`` or ``scoring``,
        ``generation``) and, with ``name == "label"``, as soon as the labels are known
        (``info``: ``labels`` and ``probabilities``, one row per clip); it may raise to
        stop the analysis between stages.
        ``reuse_drafts`` (one list per clip) are rationales the model wrote before, e.g.
        under the previous baseline: they are reviewed against this analysis's cues and
        label instead of writing new ones (the composer writes one where none passes).
        Transcripts, and drafts for an unchanged prompt, of clips analysed before are
        reused (:mod:`model_core.reuse`). ``known_transcripts`` (one (transcript, P(English))
        per clip, words on the recording's axis) are taken as the clips' own instead of
        transcribing them (utterances transcribed together:
        :func:`model_core.utterances.transcripts_of`).
        Raises :class:`model_core.audio.AudioError` for a clip that cannot be analysed;
        callers that want to go on with the others pass clips one batch at a time.
        """
        timings: list[dict[str, float]] = [{} for _ in clips]
        report = on_stage or (lambda name, info: None)
        report("acoustics", {})
        acoustics: list[tuple[AcousticAnalysis, CueSummary]] = []
        for clip, clip_timings in zip(clips, timings, strict=True):
            started = time.perf_counter()
            acoustics.append(self._measure(clip))
            clip_timings["acoustics"] = time.perf_counter() - started
        samples, inputs = self._model_inputs(clips, acoustics)
        stage = _Stopwatch(timings, report)
        # The adapters' audio tokens serve the LLM's label scoring and the rationale: a
        # model with a label head needs none when the LLM writes no rationale.
        generate = rationale and self.rationale_policy != COMPOSER
        needs_audio = generate or self.model.head is None
        # Whisper's encoder runs once: ASR (padded states only) and the speech branch share
        # its final states; a label head alone reads a middle layer, and the pass stops there.
        keys: list[ClipKey] = [(c.recording.sha256, c.start, c.end) for c in clips]
        cache = self.cache or StageCache(size=0)  # size 0: forgets at once
        if known_transcripts is not None:  # kept: an utterance explained later reads them
            for key, given in zip(keys, known_transcripts, strict=True):
                cache.transcripts.put(key, given)
        known = (
            list(known_transcripts)
            if known_transcripts is not None
            else [cache.transcripts.get(key) for key in keys]
        )
        heard = transcribe and all(k is not None for k in known)  # every clip's words known
        asr_reuses = (
            transcribe
            and not heard
            and self.transcriber.engine == TORCH
            and self.model.config.whisper_context == DECODING_CONTEXT
        )
        head_only = not (needs_audio or asr_reuses)
        whisper = stage(
            "whisper_encoder", lambda: self.model.whisper_states(inputs, head_only=head_only)
        )
        english: list[float | None] = [None] * len(clips)
        if heard:
            transcripts = [cast(Transcript, k[0]) for k in known if k is not None]
            english = [k[1] for k in known if k is not None]
        elif transcribe:
            transcripts = stage("asr", lambda: self._transcribe(samples, acoustics, whisper))
            if self.language_check:
                check = self._language_check()
                english = stage(
                    "language",
                    lambda: english_probabilities(check, samples, [t.text for t in transcripts]),
                )
            for key, transcript, probability in zip(keys, transcripts, english, strict=True):
                cache.transcripts.put(key, (transcript, probability))
        else:
            transcripts = [Transcript("")] * len(clips)
        config = self.model.config
        # The label is scored as the answer to the SER task; the rationale follows it in the
        # reasoning task's answer.
        ser = [
            emotion_prompt("ser", config, transcript=t.text, cues=summary.descriptor)
            for t, (_, summary) in zip(transcripts, acoustics, strict=True)
        ]
        audio = (
            stage("encoders", lambda: self.model.encode(inputs, whisper)) if needs_audio else None
        )
        assessments: Sequence[Assessment | None] = [None] * len(clips)
        if self.model.head is not None:
            probabilities, assessments = stage(
                "label_head", lambda: self._head_labels(samples, acoustics, whisper, clips)
            )
        else:
            probabilities = stage(
                "scoring", lambda: self.model.score_labels(inputs, ser, audio=audio)
            )
        labels = [config.labels[int(np.argmax(row))] for row in probabilities]
        report(
            "label",
            {"labels": labels, "probabilities": [list(map(float, r)) for r in probabilities]},
        )
        reliabilities = [
            transcript_reliability(t, analysis, e)
            for t, (analysis, _), e in zip(transcripts, acoustics, english, strict=True)
        ]
        rationales: list[list[str]] = [[""] for _ in clips]
        if generate:
            reason = [
                reason_prompt_for(self.model.config, label, row, transcript, summary, reliability)
                for label, row, transcript, (_, summary), reliability in zip(
                    labels, probabilities, transcripts, acoustics, reliabilities, strict=True
                )
            ]
            prefixes = [label_answer(label) + "Reason:" for label in labels]
            vocabulary = [p.own_words() for p in reason] if self.constrained_decoding else None

            def accepted(i: int, text: str) -> bool:
                return draft_accepted(
                    text, acoustics[i][1], transcripts[i], reliabilities[i], labels[i]
                )

            draft_keys = [
                draft_key(key, p.user_text(), prefix, self.drafts, bool(vocabulary))
                for key, p, prefix in zip(keys, reason, prefixes, strict=True)
            ]
            cached = [cache.drafts.get(key) for key in draft_keys]
            if reuse_drafts is not None:
                rationales = [list(d) for d in reuse_drafts]
            elif all(c is not None for c in cached):
                rationales = [list(c) for c in cached if c is not None]
            else:
                import torch

                torch.manual_seed(draft_seed(draft_keys))  # a rerun samples the same drafts
                rationales = stage(
                    "generation",
                    lambda: draft_rationales(
                        self.model,
                        inputs,
                        reason,
                        prefixes=prefixes,
                        accepted=accepted,
                        drafts=self.drafts,
                        audio=audio,
                        on_text=on_text,
                        vocabulary=vocabulary,
                    ),
                )
                for draft, drafts in zip(draft_keys, rationales, strict=True):
                    cache.drafts.put(draft, drafts)
        results = []
        for i, clip in enumerate(clips):
            analysis, summary = acoustics[i]
            results.append(
                assemble_result(
                    clip.recording,
                    (analysis, summary),
                    transcripts[i],
                    (labels[i], probabilities[i]),
                    rationales[i] if rationale else None,
                    timings[i],
                    reliabilities[i],
                    model=self.model,
                    model_info=self.model_info,
                    policy=self.rationale_policy,
                )
            )
            voice = clip.voice.n_recordings if clip.voice is not None else 0
            results[-1].baseline = summary.baseline_used(voice)
        coverage = self.model.head.coverage if self.model.head is not None else DEFAULT_COVERAGE
        for result, assessment in zip(results, assessments, strict=True):
            # A label whose measured cues only speak against it is unsure, whatever the head
            # says (issue 30): its rationale says so too (the composer's NO_SUPPORT).
            if result.label and not supported_by_cues(result.label, result.cues["cues"]):
                assessment = with_no_support(assessment, result.label)
            if assessment is not None:
                with_assessment(result, assessment, coverage)
        if not transcribe:
            for result in results:
                result.warnings.append("not transcribed: labels were asked for without words")
        return results

    def _language_check(self) -> EnglishCheck:
        return shared_check(self.model.placement, self.asr_engine)

    def english_check(self) -> EnglishCheck | None:
        """The language check transcripts get (None when the model's Whisper knows
        languages other than English, or the check is off)."""
        return self._language_check() if self.language_check else None

    def voice_of(self, clips: list[Clip]) -> VoiceStats:
        """A speaker's voice for the label head, from recordings of theirs (labels unseen).

        Raises
        ------
        ValueError
            When the model has no label head, or no clip is given.
        """
        if self.model.head is None:
            raise ValueError(f"{self.model.config.name} has no label head: it needs no voice")
        if not clips:
            raise ValueError("a voice needs at least one recording")
        return VoiceStats.from_features(self.head_features(clips))

    def head_features(self, clips: list[Clip], layer: int | None = None) -> np.ndarray:
        """The label head's input for each clip, as served, shape (n, F).

        The same vector training builds (:func:`~model_core.model.head_features.
        clip_head_features`), in the model's Whisper context and the head's cue order
        (the catalog's without a head). ``layer``: the Whisper layer to pool (default the
        head's; a model without a head needs it).
        """
        rows = [np.zeros((0, 0))]
        for first in range(0, len(clips), VOICE_BATCH):  # bounded memory for long lists
            batch = clips[first : first + VOICE_BATCH]
            acoustics = [self._measure(clip) for clip in batch]
            samples, inputs = self._model_inputs(batch, acoustics)
            whisper = self.model.whisper_states(inputs, head_layer=layer, head_only=True)
            rows.append(self._head_features(samples, acoustics, whisper))
        return np.vstack(rows[1:]) if len(rows) > 1 else rows[0]

    def _measure(self, clip: Clip) -> tuple[AcousticAnalysis, CueSummary]:
        """The clip's tracks and cues (against its baseline, else the analyzer's)."""
        return clip.measured or analyze_clip(
            clip.recording,
            clip.start,
            clip.end,
            baseline=clip.baseline or self.baseline,
            settings=self.acoustic_settings,
        )

    def _model_inputs(
        self, clips: list[Clip], acoustics: list[tuple[AcousticAnalysis, CueSummary]]
    ) -> tuple[list[np.ndarray], list[ClipInput]]:
        """Each clip's analysed samples and the model's input for it."""
        samples = [
            self._samples(clip, analysis)
            for clip, (analysis, _) in zip(clips, acoustics, strict=True)
        ]
        inputs = [
            ClipInput(s, analysis, summary.baseline.f0_reference_hz)
            for s, (analysis, summary) in zip(samples, acoustics, strict=True)
        ]
        return samples, inputs

    def _head_labels(
        self,
        samples: list[np.ndarray],
        acoustics: list[tuple[AcousticAnalysis, CueSummary]],
        whisper: tuple[WhisperInputs, torch.Tensor | None],
        clips: list[Clip],
    ) -> tuple[np.ndarray, list[Assessment]]:
        """The head's probabilities (n, L) and each clip's :class:`Assessment`."""
        features = self._head_features(samples, acoustics, whisper)
        voices = [c.voice for c in clips]
        head = cast("LabelHead", self.model.head)  # called for a model with a label head
        probabilities = head.probabilities(features, voices)
        return probabilities, head.assess(features, probabilities, voices)

    def _head_features(
        self,
        samples: list[np.ndarray],
        acoustics: list[tuple[AcousticAnalysis, CueSummary]],
        whisper: tuple[WhisperInputs, torch.Tensor | None],
    ) -> np.ndarray:
        """(n, F) label-head features: pooled Whisper layer, eGeMAPS, cue values."""
        from model_core.acoustics.egemaps import egemaps_of_clips

        frames = head_frames(whisper[0])
        egemaps = egemaps_of_clips(samples, MODEL_SAMPLE_RATE)  # on every core
        order = self.model.head.cue_order if self.model.head is not None else CUE_ORDER
        return np.vstack(
            [
                clip_head_features(f, s, summary, egemaps=e, cue_order=order)
                for f, s, e, (_, summary) in zip(frames, samples, egemaps, acoustics, strict=True)
            ]
        )

    @staticmethod
    def _samples(clip: Clip, analysis: AcousticAnalysis) -> np.ndarray:
        first = int(round(analysis.offset * MODEL_SAMPLE_RATE))
        return clip.recording.for_model[
            first : first + int(round(analysis.duration * MODEL_SAMPLE_RATE))
        ]

    def _transcribe(
        self,
        samples: list[np.ndarray],
        acoustics: list[tuple[AcousticAnalysis, CueSummary]],
        whisper: tuple[WhisperInputs, torch.Tensor | None],
    ) -> list[Transcript]:
        """ASR for clips with speech; silent or noise-only clips get an empty transcript."""
        speech = [
            i
            for i, (analysis, _) in enumerate(acoustics)
            if analysis.voiced_fraction >= MIN_VOICED_FRACTION
        ]
        transcripts = [Transcript("")] * len(samples)
        if not speech:
            return transcripts
        # The encoder's final states when there are, and every clip is speech; else the
        # transcriber encodes the speech clips again, padded.
        encoded = whisper if whisper[1] is not None and len(speech) == len(samples) else None
        found = self.transcriber.transcribe([samples[i] for i in speech], encoded)
        for i, transcript in zip(speech, found, strict=True):
            offset = acoustics[i][0].offset
            transcripts[i] = dataclasses.replace(
                transcript,
                words=[
                    dataclasses.replace(
                        w, start=round(w.start + offset, 3), end=round(w.end + offset, 3)
                    )
                    for w in transcript.words
                ],
            )
        return transcripts


class _Stopwatch:
    """Times a batch stage and records it in every clip's timings; says when each starts."""

    def __init__(
        self, timings: list[dict[str, float]], report: Callable[[str, dict[str, Any]], None]
    ):
        self.timings, self.report = timings, report
        for clip_timings in timings:
            clip_timings[BATCH_SIZE_KEY] = len(timings)

    def __call__(self, name: str, work: Callable[[], _T]) -> _T:
        self.report(name, {})
        started = time.perf_counter()
        result = work()
        for clip_timings in self.timings:
            clip_timings[name] = time.perf_counter() - started
        return result
