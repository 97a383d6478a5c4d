"""CPU cost of the kind guess per 1,000 cards, vectors given: two models interleaved.

Usage:  .venv/bin/python scripts/kind_cost.py OLD_MODEL.json FILE.jsonl...

Scores the first 1,000 cards of the files with `OLD_MODEL.json` and with the shipped
`kind_model.json`, alternately, 7 times each, and prints the best and median CPU time
(`time.process_time`) of each, with the load average: the kind is guessed per card on the
server, so this cost must stay far under 1 ms per card. Embedding is done once, before.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from facilitation.clustering.cache import VectorCache
from facilitation.clustering.kind import MODEL_FILE, KindClassifier, load_model


def main(argv: list[str]) -> int:
    old, files = Path(argv[0]), [Path(a) for a in argv[1:]]
    texts = [json.loads(line)["text"] for f in files
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()][:1000]
    vectors = VectorCache("use").vectors(texts)
    models = {"old": KindClassifier("use", model=load_model(old)),
              "shipped": KindClassifier("use", model=load_model(MODEL_FILE))}
    times: dict[str, list[float]] = {k: [] for k in models}
    for _ in range(7):
        for name, model in models.items():
            start = time.process_time()
            model.classify(texts, vectors)
            times[name].append(time.process_time() - start)
    for name, t in times.items():
        print(f"{name:<8} {len(texts)} cards: best {min(t) * 1000:.0f} ms, "
              f"median {statistics.median(t) * 1000:.0f} ms CPU")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
