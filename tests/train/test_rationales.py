"""Rationale targets: checked, regenerated, replaced by a grounded template, cached."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model_core.grounding import CONTRADICTED, NOT_FOUND, ground
from tests.model_core.grounding.cases import CUE_NAMES, cues
from train.rationales import RationaleJob, generate_rationales, read_cache, template_rationale

LABELS = ["neutral", "happy", "sad", "angry"]
TRANSCRIPT = "I can't believe you did this again"


class ScriptedTeacher:
    """Answers from a script, one per call, and records the calls."""

    source = "scripted"

    def __init__(self, answers):
        self.answers, self.calls = list(answers), []

    def prompt(self, transcript, descriptor, label, style):
        return f"{transcript}|{descriptor}|{label}|{style}"

    def write(self, user, prefix, seed, sample):
        self.calls.append((seed, sample))
        return prefix + " " + self.answers.pop(0)


def job(i=0, **z):
    return RationaleJob(f"ex{i}", "angry", TRANSCRIPT, "loud; fast", cues(**z))


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(st.sampled_from(CUE_NAMES), st.floats(-3, 3) | st.none(), max_size=12),
    st.sampled_from(LABELS),
    st.sampled_from([None, "", TRANSCRIPT, "ok", "a b c d e f g h i j"]),
)
def test_the_template_is_always_grounded(levels, label, transcript):
    rationale = template_rationale(label, transcript, cues(**levels), labels=LABELS)
    words = [{"word": w, "start": 0.0, "end": 0.0} for w in (transcript or "").split()]
    citations = ground(rationale, words, cues(**levels), label=label)
    assert not [c for c in citations if c.verdict in (NOT_FOUND, CONTRADICTED)], (
        rationale,
        citations,
    )
    assert not [c for c in citations if c.inconsistent], (rationale, citations)
    assert label in rationale


def test_a_good_teacher_answer_is_kept(tmp_path):
    teacher = ScriptedTeacher(['She raises her voice: "you did this again".'])
    path = tmp_path / "r.jsonl"
    counts = generate_rationales([job(intensity_mean=1.5)], LABELS, path, teacher)
    (record,) = read_cache(path).values()
    assert counts["teacher"] == 1 and not record.fallback and record.tries == 1
    assert record.rationale == 'She raises her voice: "you did this again".'
    assert record.checks == {
        "label_ok": True,
        "quotes_not_found": 0,
        "contradicted": 0,
        "inconsistent": 0,
        "supported": 2,
        "claims": 2,
        "echoes_prompt": False,
        "words": 8,
    }
    assert record.teacher == "scripted" and record.style in ("elaborate", "summarise")


def test_bad_answers_are_regenerated_then_replaced_by_the_template(tmp_path):
    teacher = ScriptedTeacher(
        [
            'She says "get out of my house".',  # a quote she never said
            "She speaks very softly.",  # contradicted: she is loud
            "Quiet and slow.",
        ]
    )  # contradicted again
    path = tmp_path / "r.jsonl"
    generate_rationales([job(intensity_mean=1.5)], LABELS, path, teacher, tries=3)
    (record,) = read_cache(path).values()
    assert [sample for _, sample in teacher.calls] == [
        False,
        True,
        True,
    ]  # greedy first, then sampling
    assert record.fallback and record.style == "template"
    assert record.rationale == template_rationale(
        "angry", TRANSCRIPT, cues(intensity_mean=1.5), labels=LABELS, seed=record.seed
    )
    assert record.checks["teacher_checks"]["contradicted"] >= 1
    assert record.checks["contradicted"] == 0 and record.checks["quotes_not_found"] == 0


def test_an_answer_that_argues_from_counter_evidence_is_rejected(tmp_path):
    # Loudness is evidence against sadness: presented as support it is inconsistent,
    # although the measurement itself is right (supported).
    teacher = ScriptedTeacher(["The voice is loud, which fits sad."] * 3)
    path = tmp_path / "r.jsonl"
    sad = RationaleJob("ex0", "sad", TRANSCRIPT, "loud", cues(intensity_mean=1.5, f0_mean=-1.5))
    generate_rationales([sad], LABELS, path, teacher, tries=3)
    (record,) = read_cache(path).values()
    assert record.fallback and record.checks["teacher_checks"]["inconsistent"] == 1
    assert record.checks["inconsistent"] == 0 and record.checks["contradicted"] == 0
    assert "pitch" in record.rationale  # the low pitch leads, the loudness is counter-evidence


def test_the_cache_resumes_and_survives_a_torn_last_line(tmp_path):
    path = tmp_path / "r.jsonl"
    generate_rationales([job(0), job(1)], LABELS, path, None)
    with open(path, "a") as handle:
        handle.write('{"id": "ex2", "label": "ang')  # the run was killed mid-line
    assert set(read_cache(path)) == {"ex0", "ex1"}
    counts = generate_rationales([job(0), job(1), job(2)], LABELS, path, None)
    assert counts == {"cached": 2, "teacher": 0, "fallback": 1}
    lines = [
        json.loads(line)
        for line in path.read_text().splitlines()
        if line.startswith('{"id": "ex2", "label": "angry"')
    ]
    assert len(lines) == 1


def test_a_corrupt_line_in_the_middle_is_an_error(tmp_path):
    path = tmp_path / "r.jsonl"
    generate_rationales([job(0)], LABELS, path, None)
    path.write_text("not json\n" + path.read_text())
    with pytest.raises(ValueError, match=r"r\.jsonl:1"):
        read_cache(path)


@pytest.mark.slow
@pytest.mark.real_data
def test_the_packaged_teacher_writes_checked_rationales(tmp_path):
    from train.rationales import Teacher

    teacher = Teacher("smollm2-135m-instruct", "cpu", max_new_tokens=40)
    path = tmp_path / "r.jsonl"
    counts = generate_rationales(
        [job(0, intensity_mean=1.5), job(1, intensity_mean=-1.5)], LABELS, path, teacher, tries=2
    )
    assert counts["teacher"] + counts["fallback"] == 2
    for record in read_cache(path).values():
        assert record.label == "angry" and record.rationale
        assert record.checks["contradicted"] == 0 and record.checks["quotes_not_found"] == 0
        if not record.fallback:
            assert record.teacher == "smollm2-135m-instruct" and record.prompt.startswith(
                "Transcript:"
            )


def test_prompt_echoes_and_evidence_free_answers_are_refused(tmp_path):
    teacher = ScriptedTeacher(
        [
            "Measured voice cues: loud; fast. In one or two sentences, explain.",
            "The speaker's emotional state is angry and upset today.",
        ]
    )
    path = tmp_path / "r.jsonl"
    generate_rationales([job(intensity_mean=1.5)], LABELS, path, teacher, tries=2)
    (record,) = read_cache(path).values()
    assert record.fallback  # one echoed the prompt, the other cited no evidence
