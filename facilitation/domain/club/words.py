"""The words of club documents and pages that are built outside a request (pure)."""

from __future__ import annotations

from .project import STAGES

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "timeline": "Suivi de projet", "club": "Club", "member": "Membre",
        "project": "Projet", "stage": "Étape", "strengths": "Forces",
        "difficulties": "Difficultés", "next_steps": "Prochaines étapes", "due": "pour le",
        "helper": "avec l’aide de", "now": "Aujourd’hui", "history": "Au fil des rencontres",
        "between": "Entre deux rencontres", "by_member": "par le ou la membre",
        "by_facilitator": "en réunion", "radar": "Radar des compétences", "axis": "Axe",
        "rating": "Note", "none": "—", "updates": "mises à jour", "meeting": "Rencontre",
        "date": "Date", "field": "Rubrique", "value": "Valeur", "not_said": "Pas encore dit",
        "idea": "Idée", "creation": "Création", "launch": "Démarrage",
        "development": "Développement", "projects_by_stage": "Projets par étape",
    },
    "en": {
        "timeline": "Project follow-up", "club": "Club", "member": "Member",
        "project": "Project", "stage": "Stage", "strengths": "Strengths",
        "difficulties": "Difficulties", "next_steps": "Next steps", "due": "by",
        "helper": "helped by", "now": "Today", "history": "Meeting by meeting",
        "between": "Between meetings", "by_member": "by the member",
        "by_facilitator": "in the meeting", "radar": "Competence radar", "axis": "Axis",
        "rating": "Rating", "none": "—", "updates": "updates", "meeting": "Meeting",
        "date": "Date", "field": "Field", "value": "Value", "not_said": "Not said yet",
        "idea": "Idea", "creation": "Creation", "launch": "Launch",
        "development": "Development", "projects_by_stage": "Projects by stage",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS["en" if language == "en" else "fr"]


def stage_names(language: str) -> dict[str, str]:
    t = words(language)
    return {stage: t[stage] for stage in STAGES}
