"""Command line: `cluster --input F --output F --backend B` and `bench-clustering FILE...`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .engine import cluster
from .evaluate import (
    benchmark,
    embedding_speed,
    format_table,
    load_gold_names,
    load_jsonl,
    model_memory_mb,
    time_reclustering,
)
from .schema import Card

GOLD_LABELS = Path(__file__).resolve().parents[2] / "eval" / "gold_labels.json"


def _cluster_command(args: argparse.Namespace) -> int:
    """Read cards as JSON lines, write one {"id","kind","theme","label"} line per card."""
    if args.input == "-":
        rows = [json.loads(line) for line in sys.stdin if line.strip()]
    else:
        rows = load_jsonl(args.input)
    cards = [Card(str(r["id"]), str(r["text"]), r.get("kind") or None) for r in rows]
    themes = cluster(cards, args.granularity, backend=args.backend,
                     concepts=not args.no_concepts)
    by_card = {cid: t for t in themes for cid in t.card_ids}
    lines = [
        json.dumps({"id": card.id, "kind": by_card[card.id].kind, "theme": by_card[card.id].id,
                    "label": by_card[card.id].label}, ensure_ascii=False)
        for card in cards
    ]
    if args.output == "-":
        sys.stdout.write("".join(line + "\n" for line in lines))
    else:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
    return 0


def _bench_command(args: argparse.Namespace) -> int:
    """Print the quality table, then timings, embedding speed and model memory."""
    results = []
    views = (True, False) if args.compare_concepts else (not args.no_concepts,)
    names = load_gold_names(args.gold_labels)
    for backend in args.backend:
        for view in views:
            results.extend(benchmark(args.files, backend, args.granularity, view, args.live,
                                     names, args.orders))
    print(format_table(results))
    if args.show_labels:
        for r in results:
            print(f"\n{r['set']} ({r['backend']}): theme name | cards | gold | verdict")
            for row in r.get("label_rows", []):
                verdict = ", ".join(row["fails"]) or "ok"
                if row.get("semantic") is False:
                    verdict += " / not its theme"
                print(f"  {row['label']} | {row['size']} | {row['gold']} | {verdict}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"quality": results}, fh, indent=1)
    if args.no_timing:
        return 0
    print()
    for backend in args.backend:
        memory = model_memory_mb(backend)
        speed = embedding_speed([r["text"] for f in args.files for r in load_jsonl(f)], backend)
        print(f"{backend}: embedding {speed['ms_per_card_single']:.1f} ms/card one by one, "
              f"{speed['ms_per_card_batch']:.1f} ms/card batched; model RSS "
              f"{memory['models_mb']:.0f} MB")
    for t in time_reclustering(args.files, backend=args.backend[0]):
        print(f"re-cluster {t['cards']:>5} cards (vectors cached): {t['seconds'] * 1000:7.0f} ms"
              f", with previous themes {t['seconds_with_previous'] * 1000:7.0f} ms"
              f"  ({t['themes']} themes)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `python -m facilitation.clustering` (wire into the project CLI later)."""
    parser = argparse.ArgumentParser(prog="facilitation")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cluster", help="cluster cards from a JSON-lines file")
    c.add_argument("--input", default="-", help="JSON lines {id, text, kind?} (default: stdin)")
    c.add_argument("--output", default="-", help="JSON lines {id, kind, theme, label} "
                   "(default: stdout)")
    c.add_argument("--backend", default="use", choices=["use", "use+e5", "lexical"])
    c.add_argument("--granularity", type=float, default=0.5)
    c.add_argument("--no-concepts", action="store_true",
                   help="without the domain's concept view (lexicon.py)")
    c.set_defaults(func=_cluster_command)
    b = sub.add_parser("bench-clustering", help="score gold JSON-lines sets and time the engine")
    b.add_argument("files", nargs="+")
    b.add_argument("--backend", action="append", choices=["use", "use+e5", "lexical"])
    b.add_argument("--granularity", type=float, default=0.5)
    b.add_argument("--json", help="also write the quality rows to this file")
    b.add_argument("--no-timing", action="store_true")
    b.add_argument("--no-concepts", action="store_true",
                   help="without the domain's concept view (lexicon.py)")
    b.add_argument("--live", action="store_true",
                   help="also replay each set card by card (20 regroupings): churn")
    b.add_argument("--orders", type=int, default=1,
                   help="with --live: mean over this many arrival orders (file order, "
                   "reversed, seeded permutations)")
    b.add_argument("--gold-labels", default=str(GOLD_LABELS),
                   help="gold theme names per set (JSON), for the label checks")
    b.add_argument("--show-labels", action="store_true",
                   help="print every theme name with its verdict")
    b.add_argument("--compare-concepts", action="store_true",
                   help="one row with and one without the concept view per set")
    b.set_defaults(func=_bench_command)
    args = parser.parse_args(argv)
    if getattr(args, "backend", None) is None:
        args.backend = ["use"]
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
