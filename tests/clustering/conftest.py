"""Make `facilitation.clustering` importable without the web app's dependencies."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The clustering package is pure (numpy/scipy). When Flask is absent (a light venv for this
# package only), register `facilitation` as a bare namespace so its __init__ is not executed.
if "facilitation" not in sys.modules and importlib.util.find_spec("flask") is None:
    _pkg = types.ModuleType("facilitation")
    _pkg.__path__ = [str(ROOT / "facilitation")]
    sys.modules["facilitation"] = _pkg
