"""A full room, fast and the same every time: N cards typed by the scribe (HTTP commands),
sorted by hand into many themes of uneven size, some long labels, a few new cards not
grouped yet. The grouping is locked first, so no engine moves anything afterwards.
Used by the board tests and by scripts/screenshots.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (kind, label, what people wrote): labels as a facilitator renames them, up to 60 characters
THEMES: list[tuple[str, str, list[str]]] = [
    ("blocker", "Crédit bancaire", [
        "La banque refuse le prêt sans CDI", "Pas de crédit sans apport personnel",
        "Le banquier ne me fait pas confiance", "On me demande un garant que je n'ai pas"]),
    ("blocker", "Démarches administratives", [
        "Trop de papiers : URSSAF, CFE, Kbis", "Les démarches prennent des mois",
        "Je ne sais pas quel formulaire remplir", "Personne ne répond au téléphone"]),
    ("blocker", "Titre de séjour et confiance des partenaires", [
        "Mon titre de séjour est renouvelé chaque année", "La banque attend ma carte de 10 ans"]),
    ("blocker", "Français écrit", [
        "Les courriers officiels sont difficiles à lire", "Le français écrit me bloque"]),
    ("blocker", "Local commercial", [
        "Pas de local abordable à Lille-Moulins", "Les bailleurs demandent trois garants"]),
    ("blocker", "Transport de marchandises vers Kayes et Bamako", [
        "Envoyer du matériel à Kayes coûte cher", "Le conteneur met trois mois"]),
    ("blocker", "Garde des enfants", ["Pas de place en crèche pour travailler le soir"]),
    ("blocker", "Fiscalité et TVA", ["Personne ne m'a expliqué la TVA",
                                     "Les impôts des indépendants sont compliqués"]),
    ("blocker", "Marchés publics fermés aux petites entreprises du quartier", [
        "Les appels d'offres sont faits pour les grandes entreprises"]),
    ("blocker", "Réseau professionnel", ["Je ne connais aucun chef d'entreprise ici"]),
    ("blocker", "Assurance", ["L'assurance du camion est trop chère"]),
    ("blocker", "Numérique", ["Je ne sais pas faire un site internet"]),
    ("blocker", "Santé et fatigue", ["Deux emplois et le projet le soir : épuisé"]),
    ("blocker", "Coupures d'électricité à l'atelier", ["Le courant coupe trois fois par jour"]),
    ("blocker", "Discrimination à l'embauche et au logement", ["Mon nom fait peur"]),
    ("blocker", "Comptabilité", ["Je mélange les comptes perso et pro"]),
    ("lever", "Tontine et épargne entre femmes", [
        "La tontine du quartier a payé le premier stock", "Une caisse d'épargne entre femmes"]),
    ("lever", "Microcrédit", ["Le microcrédit de l'Adie en trois semaines",
                              "Un prêt d'honneur de France Active"]),
    ("lever", "Parrainage et mentorat", [
        "Un parrain relit mon prévisionnel", "Un mentor qui a déjà créé son entreprise"]),
    ("lever", "Cours de français pour commerçants", [
        "Cours de français pro le soir, gratuits", "Des ateliers à l'oral au centre social"]),
    ("lever", "Mobile money", ["Orange Money pour payer les fournisseurs au Mali"]),
    ("lever", "Entraide de la diaspora entre Lille et la région de Kayes", [
        "Les ressortissants envoient du matériel", "Les anciens connaissent les fournisseurs"]),
    ("lever", "Permanence comptable gratuite", ["Un comptable à la Maison de l'emploi"]),
    ("lever", "Groupe WhatsApp des commerçants", ["On partage les bons plans sur WhatsApp"]),
    ("lever", "Garde partagée", ["Les femmes de l'association gardent les enfants"]),
    ("lever", "Club entreprendre", ["Le club m'a présenté un banquier"]),
    ("lever", "Local partagé", ["Un local partagé avec d'autres artisans"]),
    ("lever", "Formation au numérique", ["Une formation pour vendre en ligne"]),
    ("lever", "Soutien de la mairie", ["La mairie prête une salle le samedi"]),
    ("lever", "Coopérative d'achat pour les commerçants africains du Nord", [
        "Acheter ensemble pour payer moins cher"]),
    ("lever", "Radio communautaire", ["La radio du quartier parle de mon projet"]),
]
FRESH = [("blocker", "Le bus de nuit ne passe plus"),
         ("lever", "Une foire aux projets au printemps")]
TAILS = ["", " depuis deux ans", ", c'est le plus dur", " pour tout le monde ici",
         ", même avec un bon dossier", " et on ne sait pas pourquoi"]


def plan(total: int) -> list[tuple[str, str | None, str]]:
    """(kind, theme label or None, text) for `total` cards: big themes first, long tail."""
    per_kind = max(3, round(total ** 0.5 * 0.9))  # 30 cards: 5 a column, 150: 11, 300: all
    weights = []
    for kind in ("blocker", "lever"):
        mine = [t for t in THEMES if t[0] == kind][:per_kind]
        weights += [(t, 1 / (i + 1) ** 0.9) for i, t in enumerate(mine)]
    room = total - len(FRESH)
    scale = room / sum(w for _, w in weights)
    counts = [max(1, round(w * scale)) for _, w in weights]
    while sum(counts) > room:
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < room:
        counts[counts.index(max(counts))] += 1
    cards: list[tuple[str, str | None, str]] = []
    for ((kind, label, texts), _), n in zip(weights, counts, strict=True):
        for i in range(n):
            cards.append((kind, label, texts[i % len(texts)] + TAILS[(i // len(texts)) % 6]))
    return cards + [(kind, None, text) for kind, text in FRESH]


def fill(command: Callable[..., dict[str, Any]], board: Callable[[], dict[str, Any]],
         total: int) -> dict[str, int]:
    """Send the cards and sort them; returns {label: number of cards} per theme."""
    command(type="change_phase", phase="collect")
    command(type="set_grouping", locked=True, auto=False)
    cards = plan(total)
    ids = [command(type="scribe_contribution", kind=kind, text=text)["contribution_id"]
           for kind, _, text in cards]
    sizes: dict[str, int] = {}
    first: dict[str, str] = {}
    for card_id, (_, label, _) in zip(ids, cards, strict=True):
        if label is not None and label not in first:  # each theme starts with a card
            first[label] = card_id
            command(type="move_card", contribution_id=card_id, theme_id=None, label=label)
    theme_of = {t["label"]: t["id"] for t in board()["themes"]}
    for card_id, (_, label, _) in zip(ids, cards, strict=True):
        if label is None:
            continue
        sizes[label] = sizes.get(label, 0) + 1
        if first[label] != card_id:
            command(type="move_card", contribution_id=card_id, theme_id=theme_of[label])
    return sizes
