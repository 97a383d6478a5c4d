"""A pictogram for each theme, so that people who read little vote by what they recognise.

The programme's concepts (`clustering/lexicon.py`) fall into a few families, each drawn by one
pictogram (`templates/_pictos.html`). A theme the engine named after a concept takes that
concept's family; any other theme takes the family whose words its label (counted double) and
its cards share most, words found in few families counting more; a theme that shares too few
words with any family gets "" — the board and the phone then draw a numbered shape in the
theme's colour. Pure: no Flask; cheap (at most `CARDS_READ` cards are read per theme).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from ..clustering.lexicon import CONCEPT_LABELS, DOMAIN_CONCEPTS
from ..clustering.tokens import fold, stems

# family -> the programme's concepts it draws
FAMILIES: dict[str, tuple[str, ...]] = {
    "money": ("banque", "finance_solidaire", "subventions", "crowdfunding", "moyens",
              "transferts_argent", "prix_cout_vie", "religion_ethique", "hausse_couts",
              "paiements", "impayes", "endettement", "gestion_caisse", "saisonnalite",
              "aides_sociales", "epargne", "investisseurs", "concours", "monnaie_locale",
              "compte_bancaire", "mecenat", "depenses_ceremonies", "retraite",
              "marches_publics"),
    "papers": ("administratif", "statut", "fiscalite", "sejour", "normes", "formalisation",
               "informel", "juridique", "corruption", "assurance", "domiciliation", "etat_civil",
               "demat", "controles_amendes", "taxes_locales",
               "propriete_intellectuelle", "acces_droits", "scop_scic"),
    "language": ("langue", "traduction", "alphabetisation", "cours_langue"),
    "training": ("formation_gestion", "formation_metier", "diplomes", "supports", "suivi",
                 "strategie", "acces_formation", "bilan_competences", "formation_distance"),
    "digital": ("numerique", "formation_numerique", "connexion", "cout_telephone", "arnaques",
                "logiciels"),
    "support": ("ecosysteme", "orientation", "accompagnement", "mentorat", "institutions",
                "sensibilisation", "plaidoyer", "chambres_consulaires", "accueil_arrivants"),
    "network": ("isolement", "pairs", "partenariats", "collectif", "convivialite", "temoignages",
                "communication_groupe", "communication_interne", "gouvernance_conflits",
                "gouvernance_participative", "ess", "diaspora", "cooperation_decentralisee",
                "retour_reinsertion", "mutualisation", "benevolat", "codes_culturels",
                "culture_arts", "adhesion_membres", "releve_leadership", "impact_social"),
    "family": ("temps_famille", "pression_famille", "generations", "education_enfants", "femmes",
               "jeunes", "exode_jeunes", "heritage"),
    "housing": ("logement", "local", "garant_location"),
    "market": ("marketing", "visibilite", "clients", "approvisionnement", "prix",
               "commerce_ambulant", "evenements", "export", "filieres", "circuits_courts",
               "achats_groupes", "bouche_oreille", "emballage", "vente_en_ligne", "concurrence",
               "etude_marche", "artisanat", "restauration", "commerce_proximite", "tourisme",
               "commerce_equitable", "qualite_produits", "ruptures_stock", "gestion_stocks",
               "fidelisation"),
    "work": ("equipement", "emploi", "energie", "services_personne", "batiment",
             "personnel", "paie", "premier_emploi", "insertion",
             "organisation_travail"),
    "farming": ("agriculture", "eau", "environnement", "foncier", "sante_betail",
                "semences_intrants", "stockage_recolte", "peche",
                "mecanisation", "bois_deforestation", "ravageurs", "agroecologie",
                "securite_alimentaire", "eau_potable", "recyclage"),
    "transport": ("transport", "transport_marchandises", "enclavement", "permis_conduire"),
    "health": ("sante", "securite", "protection_sociale", "sante_mentale", "handicap", "crises"),
    "self": ("confiance", "motivation", "discrimination"),
}
# Everyday words the lexicon's phrases lack (French and English), per family.
EXTRA_WORDS: dict[str, str] = {
    "money": "argent money crédit prêt financement banque cash fonds payer",
    "papers": "papiers papers document dossier préfecture administration formulaire",
    "language": "français langue language parler lire écrire",
    "digital": "internet ordinateur téléphone smartphone numérique digital computer",
    "training": "formation training apprendre cours école compétences",
    "support": "accompagnement conseiller aide support conseil",
    "network": "réseau network contacts entraide ensemble groupe anciens membres club",
    "family": "famille family enfants children femmes",
    "housing": "logement housing maison loyer local hébergement",
    "market": "clients customers vendre vente marché market produits",
    "work": "matériel outils tools équipement emploi travail",
    "farming": "terre champ agriculture eau water farming",
    "transport": "transport voiture bus déplacement car",
    "health": "santé health malade sécurité",
    "self": "confiance peur honte motivation courage",
}
CARDS_READ = 12  # cards of a theme read for its words (the first ones)
LABEL_WEIGHT = 2.0  # a word of the label counts as much as in two cards
THRESHOLD = 1.0  # least score to draw a family (one distinctive label word is enough)

CONCEPT_FAMILY: dict[str, str] = {c: f for f, concepts in FAMILIES.items() for c in concepts}
# a concept's name, as the engine gives it (French or English, folded) -> its family
_NAMED: dict[str, str] = {fold(name): CONCEPT_FAMILY[c]
                          for c, names in CONCEPT_LABELS.items() if c in CONCEPT_FAMILY
                          for name in names}


def _word_weights() -> dict[str, dict[str, float]]:
    """stem -> {family: weight}: the stem's IDF over families, for each family using it."""
    bags: dict[str, set[str]] = {}
    for family, concepts in FAMILIES.items():
        texts = [EXTRA_WORDS.get(family, "")]
        for concept in concepts:
            texts += DOMAIN_CONCEPTS.get(concept, ())  # naming-only concepts: their names
            texts += CONCEPT_LABELS.get(concept, ())
        bags[family] = {s for text in texts for s in stems(text)}
    df = Counter(s for bag in bags.values() for s in bag)
    top = math.log(1 + len(bags))
    index: dict[str, dict[str, float]] = {}
    for family, bag in bags.items():
        for s in bag:
            index.setdefault(s, {})[family] = math.log(1 + len(bags) / df[s]) / top
    return index


_WEIGHTS = _word_weights()


def scores(label: str, texts: Iterable[str] = ()) -> dict[str, float]:
    """Each family's score for a theme: shared words of its label (x LABEL_WEIGHT) and of its
    first `CARDS_READ` cards (each card counts a stem once, averaged over the cards)."""
    total: Counter[str] = Counter()
    for s in set(stems(label)):
        for family, weight in _WEIGHTS.get(s, {}).items():
            total[family] += LABEL_WEIGHT * weight
    cards = list(texts)[:CARDS_READ]
    for text in cards:
        for s in set(stems(text)):
            for family, weight in _WEIGHTS.get(s, {}).items():
                total[family] += weight * min(1.0, 3.0 / len(cards))
    return dict(total)


def choose(label: str, texts: Iterable[str] = ()) -> str:
    """The pictogram family of a theme, or "" (a numbered shape) when nothing fits."""
    named = _NAMED.get(fold(label).strip())
    if named:
        return named
    found = scores(label, texts)
    if not found:
        return ""
    best = max(found.values())
    if best < THRESHOLD:
        return ""
    # ties go to the family listed first (a stable choice)
    return next(f for f in FAMILIES if found.get(f) == best)


def keep_or_choose(previous: str | None, label: str, texts: Iterable[str] = ()) -> str:
    """A theme's pictogram after a regrouping: the one it had, when it had one (people saw
    it on the board); else chosen now."""
    return previous if previous else choose(label, texts)

