"""The programme's world as concepts: what migrant entrepreneurs and ESS actors talk about.

Written for this engine from the MIES programme brochure (freins et leviers of migrant
entrepreneurship in Hauts-de-France and the Kayes region) and the domain at large: money,
paperwork, languages, digital, training, support, networks, governance, daily life, the
territories. Each concept is a few short phrases (French first, some English: the encoder is
multilingual). They are not themes and not a list of expected answers: clustering uses a
card's closeness to them as one more signal (`concepts.py`). Another programme, another domain:
pass your own mapping to `ConceptSpace`. Written after the dev set had been read (its figures
flatter the lexicon), then frozen on 2026-11-26 before the two independent synthetic sets in
`eval/` were written, which measure it fairly (docs/clustering.md, round 6).
"""

DOMAIN_CONCEPTS: dict[str, tuple[str, ...]] = {
    "banque": (
        "obtenir un prêt à la banque",
        "la banque refuse le crédit",
        "garanties et apport personnel exigés par le banquier",
        "bank loan",
    ),
    "finance_solidaire": (
        "microcrédit",
        "tontine et épargne collective entre membres",
        "caisse de solidarité",
        "prêt d'honneur",
        "finance solidaire",
        "community savings group",
    ),
    "subventions": (
        "subventions publiques",
        "aides financières de l'État ou de la région",
        "répondre à un appel à projets",
        "public grants",
    ),
    "crowdfunding": (
        "financement participatif en ligne",
        "crowdfunding",
        "collecte de fonds auprès de la diaspora",
    ),
    "moyens": (
        "pas assez d'argent pour démarrer",
        "manque de moyens financiers",
        "trésorerie",
        "fonds propres insuffisants",
    ),
    "administratif": (
        "démarches administratives compliquées",
        "remplir des formulaires et des dossiers",
        "pièces justificatives",
        "bureaucratie",
        "paperwork",
    ),
    "statut": (
        "choisir un statut juridique",
        "créer et déclarer son entreprise ou son association",
        "formaliser une activité informelle",
        "immatriculation",
    ),
    "fiscalite": (
        "impôts et déclarations fiscales",
        "tenir la comptabilité",
        "charges sociales",
        "accounting and taxes",
    ),
    "sejour": (
        "titre de séjour",
        "droit de travailler pour les étrangers",
        "la préfecture",
        "visa",
        "residence permit",
    ),
    "langue": (
        "ne pas comprendre le français",
        "barrière de la langue",
        "parler une autre langue",
        "language barrier",
    ),
    "traduction": ("traducteur", "interprète", "traduire les documents", "interpreting",),
    "alphabetisation": ("apprendre à lire et à écrire", "cours d'alphabétisation", "illettrisme",),
    "cours_langue": ("cours de français pour adultes", "apprendre la langue du pays",),
    "numerique": (
        "ne pas savoir utiliser un ordinateur",
        "difficultés avec internet",
        "fracture numérique",
        "digital skills",
    ),
    "formation_numerique": (
        "ateliers d'initiation à l'informatique",
        "apprendre à se servir du smartphone pour son activité",
        "formation aux outils numériques",
    ),
    "equipement": ("pas d'ordinateur", "manque de matériel et d'équipement", "outils de travail",),
    "connexion": ("pas de connexion internet", "coupures d'électricité", "réseau faible",),
    "marketing": (
        "vendre sur les réseaux sociaux",
        "communication et marketing",
        "site internet",
        "faire connaître son activité",
    ),
    "visibilite": (
        "manque de visibilité",
        "personne ne nous connaît",
        "se faire connaître du public",
    ),
    "clients": ("trouver des clients", "accès au marché", "débouchés commerciaux", "concurrence",),
    "approvisionnement": ("acheter le stock", "fournisseurs", "matières premières",),
    "prix": ("fixer ses prix", "négocier avec les clients et les fournisseurs", "pricing",),
    "formation_gestion": (
        "formation en gestion d'entreprise",
        "apprendre la gestion financière",
        "faire un business plan",
        "management training",
    ),
    "formation_metier": (
        "formation professionnelle",
        "compétences techniques du métier",
        "apprentissage",
    ),
    "ecosysteme": (
        "ne pas connaître les structures d'accompagnement",
        "ignorer les dispositifs d'aide",
        "information sur les aides",
        "not knowing where to get support",
    ),
    "orientation": (
        "un guichet unique pour orienter les porteurs de projet",
        "une permanence d'information",
        "un guide des dispositifs",
    ),
    "accompagnement": (
        "accompagnement individuel par un conseiller",
        "suivi du projet dans la durée",
        "coaching",
    ),
    "mentorat": (
        "parrainage par un entrepreneur expérimenté",
        "un mentor",
        "marrainage",
        "être guidé par quelqu'un qui a réussi",
    ),
    "isolement": (
        "être isolé sans réseau",
        "pas de contacts professionnels",
        "seul avec son projet",
    ),
    "pairs": (
        "club d'entrepreneurs",
        "groupe de pairs qui se rencontrent régulièrement",
        "entraide entre porteurs de projet",
        "peer support group",
    ),
    "confiance": (
        "manque de confiance en soi",
        "peur de l'échec",
        "honte et timidité",
        "self-confidence",
    ),
    "motivation": ("découragement", "fatigue et démotivation", "tenir dans la durée",),
    "gouvernance_conflits": (
        "conflits dans le groupe",
        "une seule personne décide",
        "mauvaise gestion collective",
        "governance problems",
    ),
    "gouvernance_participative": (
        "prendre les décisions ensemble",
        "assemblée générale et vote",
        "transparence des comptes",
        "règles écrites ensemble",
    ),
    "collectif": (
        "passer de l'individuel au collectif",
        "créer une coopérative",
        "travailler en groupement",
    ),
    "discrimination": (
        "discrimination",
        "racisme",
        "préjugés envers les étrangers",
        "être jugé sur son origine",
    ),
    "femmes": (
        "entrepreneuriat des femmes",
        "place des femmes",
        "les femmes n'ont pas la parole",
    ),
    "jeunes": ("les jeunes sans emploi", "insertion des jeunes",),
    "temps_famille": (
        "concilier vie familiale et projet",
        "manque de temps",
        "garde des enfants",
        "work-life balance",
    ),
    "transport": ("transport et déplacements", "pas de voiture", "mobilité",),
    "logement": ("logement", "hébergement précaire",),
    "sante": ("santé", "maladie",),
    "local": ("trouver un local", "loyer trop cher", "espace de travail partagé",),
    "agriculture": ("accès à la terre", "agriculture et maraîchage", "eau et irrigation",),
    "filieres": ("artisanat", "transformation des produits", "qualité des produits", "filière",),
    "institutions": (
        "soutien des institutions",
        "mairie et collectivités",
        "élus locaux",
        "politiques publiques",
    ),
    "partenariats": (
        "partenariats entre structures",
        "coopération entre organisations",
        "mutualiser",
        "concertation entre acteurs",
    ),
    "diaspora": (
        "projets entre ici et là-bas",
        "la diaspora investit au pays",
        "coopération internationale",
        "retour au pays",
    ),
    "ess": ("économie sociale et solidaire", "principes de l'ESS", "utilité sociale",),
    "sensibilisation": (
        "sensibiliser les structures d'accompagnement",
        "former les conseillers aux parcours migratoires",
    ),
    "emploi": ("embaucher des salariés", "droit du travail", "créer des emplois",),
    "juridique": ("assurances", "contrats", "conseil juridique",),
    "diplomes": ("diplômes non reconnus", "validation des acquis de l'expérience",),
    "temoignages": ("partager son expérience", "témoignages de réussite", "apprendre des autres",),
    "convivialite": (
        "se retrouver autour d'un café ou d'un thé",
        "moments conviviaux",
        "palabre",
    ),
    "supports": ("supports simples et visuels", "vidéos explicatives", "tutoriels",),
    "environnement": ("changement climatique", "sécheresse", "environnement",),
    "securite": ("insécurité", "conflits dans la région",),
    "normes": (
        "normes d'hygiène et de sécurité",
        "autorisations et licences",
        "respecter la réglementation",
    ),
    "export": ("exporter ou importer des produits", "la douane", "vendre à l'étranger",),
    "informel": (
        "travailler au noir",
        "activité informelle non déclarée",
        "sortir de l'informel",
    ),
    "corruption": (
        "corruption",
        "payer pour obtenir un papier",
        "manque de confiance dans les partenaires",
    ),
    "communication_groupe": (
        "groupe WhatsApp pour s'informer",
        "circulation de l'information entre membres",
        "rester en contact",
    ),
    "suivi": ("suivre et évaluer les résultats du projet", "tableau de bord", "indicateurs",),
    "strategie": (
        "planification stratégique",
        "se fixer des objectifs",
        "mobiliser des ressources",
    ),
}
