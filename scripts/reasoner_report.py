"""Side-by-side figures of reasoning evaluations (issue 30), for the model card.

Reads ``evaluation.json`` files written by ``emostudio-train evaluate --out`` on the same
clips and prints a Markdown table (one row per run) and, from one run, unedited example
rationales (drafts and what was delivered), accepted and rejected alike.

    python scripts/reasoner_report.py NAME=runs/reasoner/eval-default ... \\
        --examples runs/reasoner/eval-new --count 12
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

COLUMNS = (
    "drafts accepted",
    "inconsistent citations (drafts)",
    "inconsistent citations (delivered)",
    "against its conclusion, unsaid (drafts / delivered)",
    "baseline-word errors (drafts / delivered)",
    "clinical words (drafts)",
    "quote salience (delivered)",
    "drafts written per clip",
    "s per rationale",
)


def _pct(value: float | None) -> str:
    return "-" if value is None or value != value else f"{100 * value:.0f}%"


def row(name: str, report: dict) -> str:
    drafts, delivered = report["grounding"], report["delivered_grounding"]
    n = drafts["rationales"]
    cells = [
        f"{report['drafts_accepted']}/{n} ({_pct(report['drafts_accepted'] / max(1, n))})",
        _pct(drafts["inconsistency_rate"]),
        _pct(delivered["inconsistency_rate"]),
        f"{_pct(drafts['against_conclusion_rate'])} / {_pct(delivered['against_conclusion_rate'])}",
        f"{drafts['baseline_word_errors']} / {delivered['baseline_word_errors']}",
        _pct(drafts["clinical_word_rate"]),
        _pct(delivered["quote_salience"]),
        f"{drafts['drafts_written'] / max(1, n):.1f}" if "drafts_written" in drafts else "-",
        f"{drafts['seconds_per_rationale']:.2f}",
    ]
    return f"| {name} | " + " | ".join(cells) + " |"


def problems(name: str, report: dict) -> str:
    rates = report["grounding"].get("problem_rates", {})
    listed = ", ".join(
        f"{kind} {_pct(rate)}" for kind, rate in sorted(rates.items(), key=lambda kv: -kv[1])
    )
    return f"- {name}: {listed or 'none'}"


def examples(report: dict, count: int) -> list[str]:
    """Up to ``count`` rationales, half accepted and half rejected where there are."""
    written = [p for p in report["predictions"] if "rationale" in p]
    accepted = [p for p in written if p["review"]["source"] == "model"]
    rejected = [p for p in written if p["review"]["source"] != "model"]
    half = count // 2
    chosen = accepted[:half] + rejected[: count - min(half, len(accepted))]
    chosen += accepted[half : count - len(chosen) + half]
    lines = []
    for p in chosen[:count]:
        verdict = "accepted" if p["review"]["source"] == "model" else "rejected"
        lines.append(
            f"- `{p['id']}` (gold {p['label']}, head {p['predicted']}), draft {verdict}: "
            f'"{p["rationale"]}"'
        )
        if verdict == "rejected":
            lines.append(f"  - review: {'; '.join(p['review']['problems'])}")
            lines.append(f'  - delivered (composer): "{p["delivered"]}"')
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", metavar="NAME=FOLDER")
    parser.add_argument("--examples", type=Path, help="the run whose rationales to show")
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args()
    reports = {}
    for item in args.runs:
        name, _, folder = item.partition("=")
        reports[name] = json.loads((Path(folder) / "evaluation.json").read_text())
    print("| system | " + " | ".join(COLUMNS) + " |")
    print("| --- |" + " ---: |" * len(COLUMNS))
    for name, report in reports.items():
        print(row(name, report))
    print("\nWhy drafts were rejected (problems of each kind per draft):\n")
    for name, report in reports.items():
        print(problems(name, report))
    if args.examples:
        report = json.loads((args.examples / "evaluation.json").read_text())
        print(f"\nUnedited rationales ({args.examples.name}):\n")
        print("\n".join(examples(report, args.count)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
