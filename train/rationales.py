"""Reasoning-augmented supervision: rationale targets written by a teacher LLM, checked.

For each emotion example a teacher (any local chat LM; SmolLM2-135M-Instruct by default)
sees the transcript, the gold label and the measured cue description, and writes the
explanation after a forced ``Emotion: <gold label>`` line, in one of two styles:

- ``elaborate``: quotes the speaker's words and cites the measured cues;
- ``summarise``: interprets, briefly.

Every rationale is checked with the grounding module: a wrong label, a quote the
transcript does not hold, a contradicted cue claim, or a cue that speaks against the
label presented as support for it sends it back (up to ``tries`` times, sampling); then
the composer's rationale (:mod:`model_core.rationale.compose`: evidence for and against, a salient
quote, a close second label) takes its place. Results go to a JSONL cache, one line per example, with provenance;
a rerun skips what is there, so a killed run loses at most the line being written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from model_core.grounding import CONTRADICTED, NOT_FOUND, SUPPORTED, ground
from model_core.model.config import type_problem
from model_core.model.labels import parse_answer
from model_core.model.prompts import INSTRUCTIONS, label_answer
from model_core.rationale.compose import compose_rationale

STYLES = ("elaborate", "summarise")
STYLE_INSTRUCTIONS = {
    "elaborate": "In one or two sentences, explain why, quoting the speaker's exact words in double "
    "quotes and naming the measured voice cues that support it.",
    "summarise": "In one sentence, interpret why the speaker sounds this way. Do not quote.",
}
SYSTEM = (
    "You explain the emotion in a spoken utterance. Use only the transcript and the measured "
    "voice cues you are given; never invent words the speaker did not say."
)
MIN_WORDS, MAX_WORDS = 6, 80  # a rationale is a sentence or two
PROMPT_FRAGMENTS = (
    "measured voice cues",
    "transcript:",
    "in one or two sentences",
    "quoting the speaker",
    "the speaker's emotion is:",
    "do not quote",
    "emotion:",
)


def template_rationale(
    label: str,
    transcript: str | None,
    cues: dict[str, dict],
    *,
    words: list[dict] | None = None,
    labels: list[str] | None = None,
    seed: int = 0,
) -> str:
    """A deterministic rationale that weighs the evidence (:func:`model_core.rationale.compose.compose_rationale`)."""
    return compose_rationale(
        label, cues, words=words, transcript=transcript, labels=labels, seed=seed
    )


@dataclass
class RationaleRecord:
    id: str
    label: str
    rationale: str
    style: str
    question_variant: int
    teacher: str
    prompt: str
    seed: int
    tries: int
    fallback: bool
    checks: dict = field(default_factory=dict)


def check_rationale(
    text: str,
    label: str,
    labels: list[str],
    transcript: str | None,
    cues: dict[str, dict],
    words: list[dict] | None = None,
) -> dict:
    """Checks of a generated answer (label line + rationale).

    Besides the grounding verdicts, a rationale must cite evidence (at least one quote
    found or cue claim supported), must not present a cue that speaks against the label
    as support for it (an inconsistent citation), and must not echo the prompt: small
    teachers tend to repeat their instructions, which no check of claims would catch.
    """
    parsed = parse_answer(text, labels)
    rationale = parsed.rationale.split("\n")[0].strip()  # the first paragraph; the rest rambles
    words = words or [{"word": w, "start": 0.0, "end": 0.0} for w in (transcript or "").split()]
    citations = ground(rationale, words, cues, label=label)
    lowered = rationale.lower()
    return {
        "label_ok": parsed.label == label,
        "quotes_not_found": sum(c.verdict == NOT_FOUND for c in citations),
        "contradicted": sum(c.verdict == CONTRADICTED for c in citations),
        "inconsistent": sum(c.inconsistent for c in citations),
        "supported": sum(c.verdict == SUPPORTED for c in citations),
        "claims": len(citations),
        "echoes_prompt": any(fragment in lowered for fragment in PROMPT_FRAGMENTS),
        "words": len(rationale.split()),
        "rationale": rationale,
    }


def passes(checks: dict) -> bool:
    return (
        checks["label_ok"]
        and checks["quotes_not_found"] == 0
        and checks["contradicted"] == 0
        and checks.get("inconsistent", 0) == 0
        and checks["supported"] >= 1
        and not checks["echoes_prompt"]
        and MIN_WORDS <= checks["words"] <= MAX_WORDS
    )


class Teacher:
    """A local chat LM that continues a forced ``Emotion: <label>`` answer."""

    def __init__(
        self, source: str = "smollm2-135m-instruct", device: str = "auto", max_new_tokens: int = 80
    ):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from model_core.devices import pick_placement
        from model_core.weights import resolve_source

        self.source = source
        self.placement = pick_placement(device)
        folder = resolve_source(source)
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = (
            AutoModelForCausalLM.from_pretrained(
                folder, dtype=self.placement.dtype, use_safetensors=True
            )
            .to(self.placement.device)
            .eval()
        )
        self.max_new_tokens = max_new_tokens
        self._torch = torch

    def prompt(self, transcript: str | None, descriptor: str, label: str, style: str) -> str:
        return (
            f'Transcript: "{transcript or ""}"\nMeasured voice cues: {descriptor}\n'
            f"The speaker's emotion is: {label}.\n{STYLE_INSTRUCTIONS[style]}"
        )

    def write(self, user: str, prefix: str, seed: int, sample: bool) -> str:
        torch = self._torch
        messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]
        text = (
            self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
            + prefix
        )
        inputs = self.tokenizer(text, return_tensors="pt", add_special_tokens=False).to(
            self.placement.device
        )
        torch.manual_seed(seed)
        with torch.inference_mode():
            output = self.model.generate(
                **inputs,
                max_new_tokens=self.max_new_tokens,
                do_sample=sample,
                temperature=0.8 if sample else None,
                top_p=0.95 if sample else None,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
            )
        new = output[0, inputs["input_ids"].shape[1] :]
        return prefix + self.tokenizer.decode(new, skip_special_tokens=True)


def _record(line: bytes) -> RationaleRecord:
    data = json.loads(line.decode("utf-8"))
    if not isinstance(data, dict):
        raise TypeError(f"a record is a JSON object, got {type(data).__name__}")
    problem = type_problem(RationaleRecord, data)
    if problem:
        raise TypeError(problem)
    return RationaleRecord(**data)


def read_cache(path: Path) -> dict[str, RationaleRecord]:
    """Records by example id; a torn last line (a killed run) is ignored.

    Raises
    ------
    ValueError
        Naming the file and line of a complete line that is not a record.
    """
    records: dict[str, RationaleRecord] = {}
    if not path.exists():
        return records
    # Lines end at b"\n" only: records are written with ensure_ascii=False, so a text may
    # hold U+2028 or U+0085, which str.splitlines() would take for line ends; and a killed
    # run may have cut the last line inside a multi-byte character.
    lines = path.read_bytes().split(b"\n")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = _record(line)
        except (UnicodeDecodeError, json.JSONDecodeError, TypeError) as err:
            if number == len(lines):
                continue  # the line being written when the run was stopped
            raise ValueError(f"{path}:{number}: not a rationale record ({err})") from err
        records[record.id] = record
    return records


def _drop_torn_line(path: Path) -> None:
    """Cut a last line that a killed run left without its newline, before appending."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)


def rationale_map(path: str | Path | None) -> dict[str, str]:
    """id -> rationale text, for training (empty without a cache file)."""
    return {} if path is None else {k: r.rationale for k, r in read_cache(Path(path)).items()}


@dataclass
class RationaleJob:
    """One example to explain: what the teacher may see."""

    id: str
    label: str
    transcript: str | None
    descriptor: str
    cues: dict
    words: list[dict] | None = None  # timed words (approximate where no ASR gave them)


def generate_rationales(
    jobs: Iterable[RationaleJob],
    labels: list[str],
    cache: Path,
    teacher: Teacher | None,
    *,
    tries: int = 3,
    seed: int = 0,
    progress: Callable[[int, RationaleRecord], None] | None = None,
) -> dict[str, int]:
    """Write a checked rationale for every job not yet in ``cache``; return counts.

    With ``teacher=None`` every rationale is the template (fast, deterministic).
    """
    done = read_cache(cache)
    counts = {"cached": len(done), "teacher": 0, "fallback": 0}
    cache.parent.mkdir(parents=True, exist_ok=True)
    _drop_torn_line(cache)
    with open(cache, "a", encoding="utf-8") as handle:
        for index, job in enumerate(jobs):
            if job.id in done:
                continue
            record = _explain(job, labels, teacher, tries, seed + index)
            handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
            counts["fallback" if record.fallback else "teacher"] += 1
            if progress:
                progress(index, record)
    return counts


def _explain(
    job: RationaleJob, labels: list[str], teacher: Teacher | None, tries: int, seed: int
) -> RationaleRecord:
    style = STYLES[seed % len(STYLES)]
    variant = seed % len(INSTRUCTIONS["reason"])
    prefix = label_answer(job.label) + "Reason:"
    checks: dict = {}
    if teacher is not None:
        user = teacher.prompt(job.transcript, job.descriptor, job.label, style)
        for attempt in range(tries):
            answer = teacher.write(user, prefix, seed * 100 + attempt, sample=attempt > 0)
            checks = check_rationale(answer, job.label, labels, job.transcript, job.cues, job.words)
            if passes(checks):
                rationale = checks.pop("rationale")
                return RationaleRecord(
                    job.id,
                    job.label,
                    rationale,
                    style,
                    variant,
                    teacher.source,
                    user,
                    seed,
                    attempt + 1,
                    False,
                    checks,
                )
        checks.pop("rationale", None)
    rationale = template_rationale(
        job.label, job.transcript, job.cues, words=job.words, labels=labels, seed=seed
    )
    final = check_rationale(
        label_answer(job.label) + "Reason: " + rationale,
        job.label,
        labels,
        job.transcript,
        job.cues,
        job.words,
    )
    final.pop("rationale")
    return RationaleRecord(
        job.id,
        job.label,
        rationale,
        "template",
        variant,
        teacher.source if teacher else "template",
        "",
        seed,
        tries if teacher else 0,
        True,
        {"teacher_checks": checks, **final},
    )
