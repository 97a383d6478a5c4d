"""Hand-written cards for tests: two obvious blocker themes and a few levers."""

from __future__ import annotations

from facilitation.clustering import Card

TRANSPORT = [
    "pas de bus pour venir aux réunions le soir",
    "le bus passe une fois par jour au village",
    "sans voiture impossible de venir aux réunions",
    "le transport coûte trop cher pour venir",
    "pas de bus le dimanche, on reste bloqués",
    "trop loin sans voiture, le bus est rare",
    "le car pour la ville coûte cher, pas de transport",
    "j'ai pas de voiture et le bus est toujours en retard",
    "les horaires du bus ne collent pas avec les réunions",
    "venir en ville sans transport c'est la galère",
    "pas de permis, pas de voiture, pas de bus",
    "le transport jusqu'au marché coûte trop cher",
    "le bus est plein, on ne peut pas monter",
    "aucun transport en commun dans notre quartier",
    "la voiture est en panne et pas de bus de remplacement",
    "transport trop cher pour aller aux rendez-vous",
    "le bus ne dessert pas le village",
    "pr venir ds le centre faut 2 bus",
    "no bus to get to the meetings",
    "sans voiture on rate les réunions",
]
CHILDCARE = [
    "personne pour garder les enfants pendant les ateliers",
    "la crèche est pleine, pas de garde pour mon fils",
    "garde des enfants trop chère pour les mamans",
    "pas de nounou le mercredi, je garde les enfants",
    "les enfants à garder le soir, impossible de sortir",
    "la garde des petits coûte plus que ce que je gagne",
    "pas de place en crèche pour ma fille",
    "je dois garder mes enfants, pas le temps pour le projet",
    "sans solution de garde pour les enfants, je reste à la maison",
    "les ateliers tombent à l'heure de la sortie d'école des enfants",
    "garder les enfants pendant les vacances scolaires c'est compliqué",
    "crèche trop loin et trop chère",
    "les mamans ne peuvent pas venir, les enfants sont à garder",
    "pas de garderie dans le quartier pour les enfants",
    "mes enfants sont petits, personne pour les garder",
    "la nounou a arrêté, plus de garde des enfants",
    "childcare for the kids is too expensive",
    "enfants malades, pas de garde, j'ai raté l'atelier",
    "les horaires de la crèche ne collent pas avec le travail",
    "garde d'enfants introuvable le samedi",
]
LEVERS = [
    "organiser un covoiturage pour venir aux réunions",
    "créer une garderie pendant les ateliers",
    "il faudrait une navette le soir",
    "on pourrait faire les ateliers en visio",
]


def fixture_cards() -> list[Card]:
    """The 44 fixture cards with ids t*, c* (blockers) and l* (levers)."""
    cards = [Card(f"t{i}", t, "blocker") for i, t in enumerate(TRANSPORT)]
    cards += [Card(f"c{i}", t, "blocker") for i, t in enumerate(CHILDCARE)]
    cards += [Card(f"l{i}", t, "lever") for i, t in enumerate(LEVERS)]
    return cards
