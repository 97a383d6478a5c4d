"""Session kinds, contribution kinds, phases and languages: the domain's fixed vocabulary."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("fr", "en")
CONTRIBUTION_KINDS = ("blocker", "lever")
PHASES = ("welcome", "collect", "group", "vote", "synthesis", "closed")
TEXT_MAX = 280
# Phases in which phones may still send cards (a scribe may type in any open phase).
COLLECTING = ("welcome", "collect", "group")
# Profile questions a facilitator may ask (answers are categories, never names).
PROFILE_QUESTIONS: dict[str, tuple[str, ...] | None] = {
    "actor_type": ("porteur_de_projet", "structure_ess", "solidarite_internationale",
                   "collectivite", "autre"),
    "territory": None,  # free text, short
}


@dataclass(frozen=True)
class SessionKind:
    """A kind of meeting, with its names and the prompts it starts with."""

    key: str
    names: dict[str, str]
    prompts: dict[str, tuple[str, ...]]


SESSION_KINDS: dict[str, SessionKind] = {
    kind.key: kind
    for kind in (
        SessionKind(
            "breakfast",
            {"fr": "Petit-déjeuner", "en": "Breakfast meeting"},
            {
                "fr": (
                    "Quels freins rencontrez-vous dans votre projet ?",
                    "Quels leviers pourraient vous aider à avancer ?",
                ),
                "en": (
                    "What blockers do you meet in your project?",
                    "What levers could help you move forward?",
                ),
            },
        ),
        SessionKind(
            "club",
            {"fr": "Club entreprendre", "en": "Entrepreneurs' club"},
            {
                "fr": (
                    "Où en est votre projet : vos forces et vos difficultés ?",
                    "Qu'est-ce qui vous aiderait à franchir la prochaine étape ?",
                ),
                "en": (
                    "Where does your project stand: strengths and difficulties?",
                    "What would help you take the next step?",
                ),
            },
        ),
        SessionKind(
            "palabre",
            {"fr": "Thé-palabre", "en": "Tea talking circle"},
            {
                "fr": ("Quels freins rencontrez-vous ?", "Quels leviers pour avancer ?"),
                "en": ("What blockers do you meet?", "What levers help us move forward?"),
            },
        ),
    )
}
