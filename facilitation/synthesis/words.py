"""The words of the synthesis documents, per language (French first).

The app's Flask-Babel catalogue is not available to these pure renderers, so the few words a
document needs live here, one dict per language. Dates go through babel.dates.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

from ..domain import plural

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "voice_card": "message vocal",
        "not_transcribed": "non transcrit",
        "synthesis": "Synthèse",
        "programme_synthesis": "Synthèse de programme",
        "kind": "Format",
        "date": "Date",
        "place": "Lieu",
        "territory": "Territoire",
        "programme": "Programme",
        "facilitators": "Animation",
        "participants": "Participant·es",
        "contributions": "Contributions",
        "prompts": "Questions posées",
        "blockers": "Freins",
        "levers": "Leviers",
        "blocker": "Frein",
        "lever": "Levier",
        "overview": "Vue d’ensemble",
        "rank": "Rang",
        "theme": "Thème",
        "votes": "Votes",
        "author": "Auteur·rice",
        "no_themes_blocker": "Aucun frein n’a été exprimé.",
        "no_themes_lever": "Aucun levier n’a été exprimé.",
        "quotes": "Paroles clés",
        "who": "Qui a dit quoi",
        "who_intro": "Nombre de contributions par type d’acteur, pour chaque thème.",
        "participants_by_profile": "Participant·es par profil",
        "conclusions": "Conclusions",
        "no_conclusions": "Pas de conclusions rédigées.",
        "decisions": "Décisions et prochaines étapes",
        "decision": "Décision",
        "owner": "Responsable",
        "due": "Échéance",
        "no_decisions": "Aucune décision enregistrée.",
        "provisional": "Document provisoire : la séance n’est pas encore close.",
        "prompt": "Question",
        "time": "Heure",
        "session": "Séance",
        "sessions": "Séances",
        "territories": "Territoires",
        "title": "Titre",
        "sessions_count": "Séances",
        "examples": "Exemples",
        "raised_in": "Évoqué",
        "label_in_session": "Intitulé dans la séance",
        "here_and_there": "Ici et là-bas",
        "shared_blockers": "Freins partagés",
        "blockers_only": "Freins propres à {territory}",
        "shared_levers": "Leviers partagés",
        "levers_only": "Leviers propres à {territory}",
        "answers_from": "Des leviers de {source} pour les freins de {target}",
        "answers": "répond à",
        "none": "Aucun.",
        "page": "Page",
        "generated_by": "Synthèse établie à partir des contributions des participant·es.",
        "unknown": "non renseigné",
        "radar": "Radar des compétences",
        "radar_intro": "Ce que la salle a répondu ({responses}), de 1 (pas encore) à 5 (tout à "
                       "fait) : la médiane de chaque compétence qui a reçu au moins cinq réponses, "
                       "jamais les réponses d’une personne.",
        "competence": "Compétence",
        "median": "Médiane",
        "middle_half": "Moitié centrale",
        "radar_answers": "Réponses",
        "club_projects": "Projets du club",
        "club_intro": "Où en sont les projets des membres à l’issue de la rencontre "
                      "({projects}, dont {updated} mis à jour ce jour).",
        "club_intro_none": "Où en sont les projets des membres à l’issue de la rencontre "
                           "({projects}, aucun mis à jour ce jour).",
        "club_no_stage": "Hors graphique : {projects} sans étape dite.",
        "member": "Membre",
        "project": "Projet",
        "stage": "Étape",
        "next_steps": "Prochaines étapes",
        "no_stage": "pas encore dite",
        "updated_here": "mis à jour ce jour",
        "step_due": "pour le {date}",
        "step_helper": "avec l’aide de {name}",
        "step_helper_elided": "avec l’aide d’{name}",
        "no_project": "pas encore dit",
        "field_project": "projet",
        "field_stage": "étape",
        "field_strengths": "forces",
        "field_difficulties": "difficultés",
        "field_next_steps": "prochaines étapes",
    },
    "en": {
        "voice_card": "voice card",
        "not_transcribed": "not transcribed",
        "synthesis": "Synthesis",
        "programme_synthesis": "Programme synthesis",
        "kind": "Format",
        "date": "Date",
        "place": "Venue",
        "territory": "Territory",
        "programme": "Programme",
        "facilitators": "Facilitated by",
        "participants": "Participants",
        "contributions": "Contributions",
        "prompts": "Questions asked",
        "blockers": "Blockers",
        "levers": "Levers",
        "blocker": "Blocker",
        "lever": "Lever",
        "overview": "Overview",
        "rank": "Rank",
        "theme": "Theme",
        "votes": "Votes",
        "author": "Author",
        "no_themes_blocker": "No blockers were raised.",
        "no_themes_lever": "No levers were raised.",
        "quotes": "Key quotes",
        "who": "Who raised what",
        "who_intro": "Number of contributions per type of actor, for each theme.",
        "participants_by_profile": "Participants by profile",
        "conclusions": "Conclusions",
        "no_conclusions": "No conclusions written.",
        "decisions": "Decisions and next steps",
        "decision": "Decision",
        "owner": "Owner",
        "due": "Due",
        "no_decisions": "No decisions recorded.",
        "provisional": "Provisional document: the session is not closed yet.",
        "prompt": "Question",
        "time": "Time",
        "session": "Session",
        "sessions": "Sessions",
        "territories": "Territories",
        "title": "Title",
        "sessions_count": "Sessions",
        "examples": "Examples",
        "raised_in": "Raised in",
        "label_in_session": "Label in the session",
        "here_and_there": "Here and there",
        "shared_blockers": "Shared blockers",
        "blockers_only": "Blockers specific to {territory}",
        "shared_levers": "Shared levers",
        "levers_only": "Levers specific to {territory}",
        "answers_from": "Levers from {source} for blockers in {target}",
        "answers": "answers",
        "none": "None.",
        "page": "Page",
        "generated_by": "Synthesis drawn from the participants’ contributions.",
        "unknown": "not given",
        "radar": "Competence radar",
        "radar_intro": "What the room answered ({responses}), from 1 (not yet) to 5 (very "
                       "much): the median of each competence at least five people answered, "
                       "never one person’s answers.",
        "competence": "Competence",
        "median": "Median",
        "middle_half": "Middle half",
        "radar_answers": "Answers",
        "club_projects": "Club projects",
        "club_intro": "Where the members’ projects stand after the meeting ({projects}, "
                      "{updated} updated at this meeting).",
        "club_intro_none": "Where the members’ projects stand after the meeting "
                           "({projects}, none updated at this meeting).",
        "club_no_stage": "Not in the chart: {projects} with no stage yet.",
        "member": "Member",
        "project": "Project",
        "stage": "Stage",
        "next_steps": "Next steps",
        "no_stage": "not said yet",
        "updated_here": "updated at this meeting",
        "step_due": "by {date}",
        "step_helper": "helped by {name}",
        "step_helper_elided": "helped by {name}",
        "no_project": "not said yet",
        "field_project": "project",
        "field_stage": "stage",
        "field_strengths": "strengths",
        "field_difficulties": "difficulties",
        "field_next_steps": "next steps",
    },
}

ACTOR_TYPES: dict[str, dict[str, str]] = {
    "fr": {
        "porteur_de_projet": "Porteur·se de projet",
        "structure_ess": "Structure ESS",
        "solidarite_internationale": "Solidarité internationale",
        "collectivite": "Collectivité",
        "autre": "Autre",
    },
    "en": {
        "porteur_de_projet": "Project holder",
        "structure_ess": "SSE organisation",
        "solidarite_internationale": "International solidarity",
        "collectivite": "Local authority",
        "autre": "Other",
    },
}
ACTOR_ORDER = tuple(ACTOR_TYPES["fr"])

PROFILE_QUESTIONS: dict[str, dict[str, str]] = {
    "fr": {"actor_type": "Type d’acteur", "territory": "Territoire"},
    "en": {"actor_type": "Type of actor", "territory": "Territory"},
}

# count nouns: (singular, plural)
NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "fr": {
        "vote": ("vote", "votes"),
        "contribution": ("contribution", "contributions"),
        "session": ("séance", "séances"),
        "participant": ("participant·e", "participant·es"),
        "response": ("réponse", "réponses"),
        "project": ("projet", "projets"),
    },
    "en": {
        "vote": ("vote", "votes"),
        "contribution": ("contribution", "contributions"),
        "session": ("session", "sessions"),
        "participant": ("participant", "participants"),
        "response": ("response", "responses"),
        "project": ("project", "projects"),
    },
}


lang = plural.lang


def words(language: str | None) -> dict[str, str]:
    return WORDS[lang(language)]


def count(n: int, noun: str, language: str | None) -> str:
    """'3 votes', '1 contribution', '0 vote' (French singular for 0 and 1)."""
    return plural.count(n, *NOUNS[lang(language)][noun], lang(language))


def card_text(text: str, voice_seconds: int | None, language: str | None) -> str:
    """A card as a document writes it: a voice card says so, with its length, before its
    transcript ("[message vocal 0:12] …", or "[… — non transcrit]" when it has none)."""
    if voice_seconds is None:
        return text
    t = words(language)
    length = f"{voice_seconds // 60}:{voice_seconds % 60:02d}"
    if not text:
        return f"[{t['voice_card']} {length} — {t['not_transcribed']}]"
    return f"[{t['voice_card']} {length}] {text}"


def elides(word: str, language: str | None) -> bool:
    """French "de" becomes "d’" before this word ("avec l’aide d’Awa", "de Moussa")."""
    if lang(language) != "fr" or not word:
        return False
    first = unicodedata.normalize("NFD", word[0])[0].lower()
    return first in "aeiou"


def actor_type(key: str, language: str | None) -> str:
    return ACTOR_TYPES[lang(language)].get(key, key)


def actor_keys(keys: set[str] | list[str] | tuple[str, ...]) -> list[str]:
    """Actor type keys in the order of the profile question, unknown ones after."""
    known = [k for k in ACTOR_ORDER if k in keys]
    return known + sorted(k for k in keys if k not in ACTOR_ORDER)


def profile_question(key: str, language: str | None) -> str:
    return PROFILE_QUESTIONS[lang(language)].get(key, key)


def profile_answer(question: str, answer: str, language: str | None) -> str:
    return actor_type(answer, language) if question == "actor_type" else answer


def long_date(value: str | None, language: str | None) -> str:
    """'12 mars 2026' / 'March 12, 2026'; text that is no ISO date is given back as is."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return format_date(day, format="long", locale=lang(language))


def number(value: float | None, language: str | None) -> str:
    """'2,5' / '2.5', '3' for a whole number, '–' for None."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.##", locale=lang(language))


def clock(value: str | None) -> str:
    """The 'HH:MM' of an ISO time, '' when there is none."""
    if not value or "T" not in value:
        return ""
    return value.split("T", 1)[1][:5]
