"""The words of the charts, per language (French first), like the synthesis's words.py:
pure code cannot reach the app's Flask-Babel catalogue."""

from __future__ import annotations

from ...domain import plural

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "themes_title": "Votes par thème",
        "top": "Les {shown} thèmes les plus votés sur {total}",
        "blockers": "Freins",
        "levers": "Leviers",
        "blocker": "Frein",
        "lever": "Levier",
        "kinds_title": "Freins et leviers par question",
        "no_prompt": "Sans question",
        "radar_title": "Radar des compétences",
        "median": "Médiane de la salle",
        "middle_half": "Moitié centrale de la salle",
        "scale": "1 = pas encore · 5 = tout à fait",
        "stages_title": "Projets par étape",
        "member_radar_title": "Mon radar des compétences",
        "programme_themes_title": "Thèmes du programme\u00a0: votes et séances",
        "here_there_title": "Freins et leviers\u00a0: {here} et {there}",
        "here_there_measure": "Longueur des barres\u00a0: contributions de chaque territoire",
        "here_there_top": "Les {shown} thèmes les plus cités sur {total}",
    },
    "en": {
        "themes_title": "Votes by theme",
        "top": "The {shown} most voted themes out of {total}",
        "blockers": "Blockers",
        "levers": "Levers",
        "blocker": "Blocker",
        "lever": "Lever",
        "kinds_title": "Blockers and levers by question",
        "no_prompt": "No question",
        "radar_title": "Competence radar",
        "median": "Median of the room",
        "middle_half": "Middle half of the room",
        "scale": "1 = not yet · 5 = very much",
        "stages_title": "Projects by stage",
        "member_radar_title": "My competence radar",
        "programme_themes_title": "Themes across the programme: votes and sessions",
        "here_there_title": "Blockers and levers: {here} and {there}",
        "here_there_measure": "Bar length: contributions from each territory",
        "here_there_top": "The {shown} most raised themes out of {total}",
    },
}

# count nouns: (singular, plural)
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "fr": {"vote": ("vote", "votes"), "response": ("réponse", "réponses"),
           "project": ("projet", "projets"), "session": ("séance", "séances")},
    "en": {"vote": ("vote", "votes"), "response": ("response", "responses"),
           "project": ("project", "projects"), "session": ("session", "sessions")},
}


lang = plural.lang


def words(language: str | None) -> dict[str, str]:
    return WORDS[lang(language)]


def count(n: int, noun: str, language: str | None) -> str:
    """'3 votes', '1 réponse', '0 vote' (French singular for 0 and 1)."""
    return plural.count(n, *NOUNS[lang(language)][noun], lang(language))
