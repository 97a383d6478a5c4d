"""The `cluster` command: JSON lines in, JSON lines out, nothing on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clustering_fixtures import fixture_cards

from facilitation.clustering.__main__ import main


def test_cluster_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    cards = fixture_cards()
    with src.open("w", encoding="utf-8") as fh:
        for i, c in enumerate(cards):
            row = {"id": c.id, "text": c.text}
            if i % 2:
                row["kind"] = c.kind
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    assert main(["cluster", "--input", str(src), "--output", str(dst),
                 "--backend", "lexical"]) == 0
    assert capsys.readouterr().out == ""
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [c.id for c in cards]
    assert all(set(r) == {"id", "kind", "theme", "label"} for r in rows)
    kinds_per_theme: dict[str, set[str]] = {}
    for r in rows:
        kinds_per_theme.setdefault(r["theme"], set()).add(r["kind"])
    assert all(len(k) == 1 for k in kinds_per_theme.values())
    given = {c.id: c.kind for i, c in enumerate(cards) if i % 2}
    assert all(r["kind"] == given[r["id"]] for r in rows if r["id"] in given)


def test_bench_replays_several_arrival_orders(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    src, out = tmp_path / "gold.jsonl", tmp_path / "rows.json"
    with src.open("w", encoding="utf-8") as fh:
        for c in fixture_cards():
            fh.write(json.dumps({"id": c.id, "text": c.text, "kind": c.kind,
                                 "theme": c.id[0]}, ensure_ascii=False) + "\n")
    assert main(["bench-clustering", str(src), "--backend", "lexical", "--no-concepts",
                 "--no-timing", "--live", "--orders", "3", "--json", str(out)]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "moves" in head and "fromT" in head and "tray%" in head
    live = json.loads(out.read_text(encoding="utf-8"))["quality"][0]["live"]
    assert live["orders"] == 3 and len(live["runs"]) == 3
    assert live["moves_per_card"] == pytest.approx(
        live["moves_from_misc_per_card"] + live["moves_from_theme_per_card"])
