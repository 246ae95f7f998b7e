"""``emostudio models list|prepare``: the base weights this machine can use."""

from __future__ import annotations

import argparse
import time

from emostudio.cli.common import report_error


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="list or prepare the offline base weights")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="show packaged base weights and whether they are prepared")
    prepare = actions.add_parser("prepare", help="convert packaged weights into the cache now")
    prepare.add_argument("names", nargs="*", metavar="NAME", help="packaged names (default: all)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from model_core.pipeline import SHIPPED_MODELS
    from model_core.weights import PACKAGED, WeightsUnavailableError, cache_root

    if args.action == "list":
        print(f"cache: {cache_root()}")
        for source in PACKAGED.values():
            try:
                source.source_path()
                state = "prepared" if source.is_prepared() else "installed, not prepared yet"
            except WeightsUnavailableError as err:
                state = f"missing ({err})"
            print(f"  {source.name:<24} {state:<28} {source.description}  [{source.package}]")
        for name, folder in SHIPPED_MODELS.items():
            shipped = (folder / "emostudio_config.json").exists()
            print(f"EmoReasoner '{name}': {folder if shipped else 'not shipped'}")
        print(
            "Other sources: a local folder of safetensors, or a hub id (owner/name) when "
            "EMOSTUDIO_ALLOW_DOWNLOADS=1."
        )
        return 0
    names = args.names or list(PACKAGED)
    failures = 0
    for name in names:
        if name not in PACKAGED:
            report_error(f"{name}: not a packaged model ({', '.join(PACKAGED)})")
            failures += 1
            continue
        started = time.perf_counter()
        try:
            folder = PACKAGED[name].prepare()
        except WeightsUnavailableError as err:
            report_error(str(err))
            failures += 1
            continue
        print(f"{name}: ready in {folder} ({time.perf_counter() - started:.1f} s)")
    return 1 if failures else 0
