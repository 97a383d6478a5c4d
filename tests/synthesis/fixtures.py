"""Fixture syntheses built from the model's dataclasses: a MIES session in French and in
English, a hostile one (markup, quotes, emoji, Arabic), and three sessions from two
territories for a programme synthesis."""

from __future__ import annotations

from dataclasses import replace

from facilitation.synthesis.club import ClubProject, ClubSection, NextStep
from facilitation.synthesis.model import (
    CardItem,
    Decision,
    RadarAxis,
    RadarSummary,
    Synthesis,
    ThemeItem,
)
from facilitation.synthesis.programme import (
    Answer,
    HereAndThere,
    Mention,
    ProgrammeSynthesis,
    ProgrammeTheme,
    merge,
)

PROMPTS = {
    "fr": ("Quels freins rencontrez-vous ?", "Quels leviers pour avancer ?"),
    "en": ("What blockers do you meet?", "What levers help us move forward?"),
}


def card(cid: str, text: str, kind: str, *, author: str | None = None, votes: int = 0,
         minute: int = 0, actor: str | None = None, territory: str | None = None,
         language: str = "fr", day: str = "2026-03-12") -> CardItem:
    profile = {k: v for k, v in (("actor_type", actor), ("territory", territory)) if v}
    prompt = PROMPTS[language][0 if kind == "blocker" else 1]
    return CardItem(cid, text, kind, author, prompt, votes,
                    f"{day}T09:{minute:02d}:00+00:00", profile)


def theme(tid: str, kind: str, label: str, cards: list[CardItem], extra: int = 0) -> ThemeItem:
    cards = sorted(cards, key=lambda c: (-c.votes, c.at, c.id))
    actors: dict[str, int] = {}
    for c in cards:
        if "actor_type" in c.profile:
            actors[c.profile["actor_type"]] = actors.get(c.profile["actor_type"], 0) + 1
    return ThemeItem(tid, kind, label, extra + sum(c.votes for c in cards), tuple(cards),
                     dict(sorted(actors.items())))


TEXTS = {
    "fr": {
        "title": "Thé-palabre des porteur·ses de projet",
        "kind_name": "Thé-palabre",
        "place": "Maison des associations, Roubaix",
        "territory": "Hauts-de-France",
        "programme": "MIES — Migrants, acteurs et vecteurs de l’ESS",
        "b1": "Accès au financement",
        "b1c": ["Les banques demandent un apport personnel que nous n’avons pas",
                "Pas d’historique de crédit en France",
                "Les dossiers de subvention sont trop longs à monter"],
        "b2": "Reconnaissance des compétences",
        "b2c": ["Mon diplôme malien n’est pas reconnu",
                "On ne valorise pas l’expérience acquise là-bas"],
        "b3": "Méconnaissance des dispositifs ESS",
        "b3c": ["Je ne savais pas qu’une SCIC pouvait m’accompagner"],
        "l1": "Mise en réseau avec les structures ESS",
        "l1c": ["Un annuaire partagé des structures d’accompagnement",
                "Des rencontres régulières entre associations de la diaspora et réseaux ESS"],
        "l2": "Finance solidaire et microcrédit",
        "l2c": ["S’appuyer sur les tontines existantes",
                "Garanties de France Active pour les primo-entrepreneur·ses"],
        "l3": "Mentorat par la diaspora",
        "l3c": ["Être parrainé par quelqu’un qui a réussi ici et là-bas"],
        "conclusions": (
            "Le financement reste le premier frein exprimé, en particulier l’apport personnel "
            "exigé par les banques.\n\nLes participant·es voient dans les réseaux de l’ESS et "
            "la finance solidaire des leviers immédiatement mobilisables ; le Grdr et l’Apes "
            "s’engagent à organiser une rencontre dédiée."),
        "d1": "Organiser une rencontre entre porteur·ses de projet et France Active",
        "d2": "Diffuser l’annuaire des structures d’accompagnement",
    },
    "en": {
        "title": "Project holders' tea talking circle",
        "kind_name": "Tea talking circle",
        "place": "Maison des associations, Roubaix",
        "territory": "Hauts-de-France",
        "programme": "MIES — Migrants as actors of the social and solidarity economy",
        "b1": "Access to finance",
        "b1c": ["Banks ask for a personal contribution we do not have",
                "No credit history in France",
                "Grant applications take too long to prepare"],
        "b2": "Recognition of skills",
        "b2c": ["My Malian degree is not recognised",
                "Experience gained over there is not valued"],
        "b3": "Little knowledge of SSE support schemes",
        "b3c": ["I did not know a cooperative could support me"],
        "l1": "Networking with SSE organisations",
        "l1c": ["A shared directory of support organisations",
                "Regular meetings between diaspora associations and SSE networks"],
        "l2": "Solidarity finance and microcredit",
        "l2c": ["Build on existing tontines",
                "France Active guarantees for first-time entrepreneurs"],
        "l3": "Mentoring by the diaspora",
        "l3c": ["Being sponsored by someone who succeeded here and there"],
        "conclusions": (
            "Finance remains the first blocker raised, above all the personal contribution "
            "banks require.\n\nParticipants see SSE networks and solidarity finance as levers "
            "they can use now; Grdr and Apes commit to organising a dedicated meeting."),
        "d1": "Organise a meeting between project holders and France Active",
        "d2": "Share the directory of support organisations",
    },
}

ACTORS = ["porteur_de_projet", "structure_ess", "solidarite_internationale", "collectivite",
          "porteur_de_projet", "autre", "porteur_de_projet"]
AUTHORS = ["Mamadou", None, "Aïssata", None, "Claire", None, None]
VOTES = {"b1": [5, 3, 1], "b2": [2, 2], "b3": [1], "l1": [4, 1], "l2": [3, 0], "l3": [2]}


def session(language: str = "fr", *, session_id: str = "s-roubaix", day: str = "2026-03-12",
            territory: str | None = None, title: str | None = None) -> Synthesis:
    x = TEXTS[language]
    territory = territory or x["territory"]
    n = 0

    def cards(key: str, kind: str) -> list[CardItem]:
        nonlocal n
        result = []
        for text, votes in zip(x[f"{key}c"], VOTES[key], strict=True):
            result.append(card(f"{session_id}-c{n}", text, kind, author=AUTHORS[n % 7],
                               votes=votes, minute=n, actor=ACTORS[n % 7],
                               territory=territory, language=language, day=day))
            n += 1
        return result

    blockers = [theme("t1", "blocker", x["b1"], cards("b1", "blocker"), extra=2),
                theme("t2", "blocker", x["b2"], cards("b2", "blocker")),
                theme("t3", "blocker", x["b3"], cards("b3", "blocker"))]
    levers = [theme("t4", "lever", x["l1"], cards("l1", "lever")),
              theme("t5", "lever", x["l2"], cards("l2", "lever")),
              theme("t6", "lever", x["l3"], cards("l3", "lever"))]
    blockers.sort(key=lambda t: (-t.votes, -t.size, t.label))
    levers.sort(key=lambda t: (-t.votes, -t.size, t.label))
    every = [c for t in (*blockers, *levers) for c in t.cards]
    return Synthesis(
        session_id=session_id,
        title=title or x["title"],
        kind="palabre",
        kind_name=x["kind_name"],
        language=language,
        date=day,
        place=x["place"],
        territory=territory,
        programme=x["programme"],
        facilitators=("Awa Diarra", "Julien Lefebvre"),
        participants=14,
        contributions=len(every),
        prompts=PROMPTS[language],
        blockers=tuple(blockers),
        levers=tuple(levers),
        quotes=(blockers[0].cards[0], levers[-1].cards[0]),
        profiles={"actor_type": {"autre": 1, "collectivite": 2, "porteur_de_projet": 8,
                                 "solidarite_internationale": 1, "structure_ess": 2},
                  "territory": {territory: 14}},
        conclusions=x["conclusions"],
        decisions=(Decision(x["d1"], "Grdr Hauts-de-France", "2026-04-30"),
                   Decision(x["d2"], "Apes", None)),
        phase="closed",
        seq=412,
    )


RADAR = {  # axis id -> (median, p25, p75), the room's aggregates as facilitation.domain.radar gives
    "finance": (2.0, 1.5, 3.0), "commercial": (3.0, 2.0, 4.0), "network": (4.0, 3.0, 4.5),
    "digital": (2.5, 2.0, 3.5), "governance": (3.0, 2.0, 4.0), "ess": (2.0, 1.0, 3.0),
    "writing": (4.0, 3.0, 5.0),
}


def with_radar(language: str = "fr", responses: int = 12) -> Synthesis:
    """The MIES session, with the room's competence radar (the radar module's template)."""
    from facilitation.domain.radar import TEMPLATES

    axes = tuple(RadarAxis(key, label) for key, label in TEMPLATES[language])
    summary = RadarSummary(
        axes, responses, answers={k: responses for k in RADAR},
        median={k: v[0] for k, v in RADAR.items()})
    return replace(session(language), radar=summary)


CLUB = {
    "fr": {
        "name": "Club entreprendre Roubaix",
        "title": "Rencontre de novembre",
        "projects": ["Épicerie solidaire de quartier", "Garage associatif",
                     "Traiteur sénégalais pour les entreprises", "Atelier de couture", ""],
        "steps": [["Rencontrer la banque pour le prêt d’honneur",
                   "Trouver un local en rez-de-chaussée"],
                  ["Déposer les statuts en préfecture"],
                  ["Tester trois menus auprès de deux entreprises"], [], []],
    },
    "en": {
        "name": "Roubaix entrepreneurs' club",
        "title": "November meeting",
        "projects": ["Neighbourhood solidarity grocery", "Community garage",
                     "Senegalese catering for companies", "Sewing workshop", ""],
        "steps": [["Meet the bank about the honour loan", "Find a ground-floor shop"],
                  ["File the articles of association"],
                  ["Try three menus with two companies"], [], []],
    },
}


def club_section(language: str = "fr") -> ClubSection:
    """Five members: two projects updated at this meeting, one with no stage yet, one
    with no project at all."""
    x = CLUB[language]
    names = ["Awa", "Moussa", "Fatou", "Karim", "Inès"]
    stages = ["creation", "launch", "creation", "idea", None]
    changed = [("stage", "next_steps"), ("project", "stage", "next_steps"), (), (), ()]
    helpers = [["Moussa", None], [None], ["Awa"], [], []]
    dues = [["2026-12-10", None], ["2026-11-30"], [None], [], []]
    projects = tuple(
        ClubProject(names[i], x["projects"][i], stages[i],
                    tuple(NextStep(text, dues[i][j], helpers[i][j])
                          for j, text in enumerate(x["steps"][i])),
                    bool(changed[i]), changed[i])
        for i in range(5))
    counts = {"idea": 1, "creation": 2, "launch": 1, "development": 0, "none": 1}
    return ClubSection(x["name"], counts, projects)


def club_meeting(language: str = "fr") -> Synthesis:
    """A club meeting: the MIES session's content and radar, of kind "club", with the
    section "Projets du club"."""
    x = CLUB[language]
    return replace(with_radar(language, responses=5), kind="club",
                   kind_name="Club entreprendre" if language == "fr" else "Entrepreneurs' club",
                   title=x["title"], programme=x["name"], participants=5,
                   club=club_section(language))


HOSTILE_TEXTS = [
    "<script>alert('x')</script>",
    'Il a dit "non" & puis \'oui\' </li></ul><b>gras</b>',
    "Financement 💸🌍 — ça coûte ‼️",
    "التمويل صعب جدا للمشاريع الصغيرة",
    "# pas un titre\n- pas une liste | ni un tableau [lien](http://x) *gras* _it_ &amp;",
]


def hostile() -> Synthesis:
    base = session("fr")
    cards = [card(f"h{i}", text, "blocker", author="<i>Moi</i> \"Bob\"" if i == 0 else None,
                  votes=5 - i, minute=i) for i, text in enumerate(HOSTILE_TEXTS)]
    evil = theme("th", "blocker", "<b>Thème</b> & \"guillemets\" 🌍 التمويل", cards)
    return replace(base, title="<h1>Titre</h1> & « test »", blockers=(evil, *base.blockers),
                   quotes=(cards[3],), conclusions="<script>x</script>\n\nفقرة",
                   decisions=(Decision("<a href='x'>clic</a>", "O'Brien & Co", "pas une date"),),
                   contributions=base.contributions + len(cards))


def programme_sessions() -> list[Synthesis]:
    """Two sessions in Hauts-de-France, one in Kayes (Kayes has its own blockers)."""
    roubaix = session("fr")
    lille = session("fr", session_id="s-lille", day="2026-04-09",
                    title="Petit-déjeuner ESS et migrations, Lille")
    kayes = session("fr", session_id="s-kayes", day="2026-05-20", territory="Kayes",
                    title="Thé-palabre à Kayes")
    kayes_blocker = theme("t9", "blocker", "Accès au foncier", [
        card("k1", "Impossible d'obtenir un titre foncier pour le périmètre maraîcher",
             "blocker", votes=6, day="2026-05-20", territory="Kayes"),
        card("k2", "Les terres agricoles sont attribuées sans concertation",
             "blocker", votes=2, minute=1, day="2026-05-20", territory="Kayes")])
    kayes = replace(kayes, blockers=(kayes_blocker, *kayes.blockers[:2]),
                    levers=kayes.levers[1:], place="Centre culturel, Kayes")
    return [kayes, lille, roubaix]


def programme(with_answers: bool = True) -> ProgrammeSynthesis:
    """The three sessions merged (lexical backend: no model), compared Hauts-de-France /
    Kayes; the lexical backend finds no "answers", so a few are set for the renderers."""
    merged = merge(programme_sessions(), "MIES — Hauts-de-France et Kayes", backend="lexical",
                   here="Hauts-de-France", there="Kayes")
    if not with_answers or merged.comparison is None:
        return merged
    c = merged.comparison
    lever = next(t.id for t in merged.levers if "Finance solidaire" in t.label)
    land = next(t.id for t in merged.blockers if t.label == "Accès au foncier")
    money = next(t.id for t in merged.blockers if t.label == "Accès au financement")
    network = next(t.id for t in merged.levers if "Mise en réseau" in t.label)
    return replace(merged, comparison=replace(
        c, answers_from_there=(Answer(lever, money, 0.61),),
        answers_from_here=(Answer(network, land, 0.42), Answer(lever, money, 0.61))))


HERE_LONG = "Communauté d'agglomération <b>Porte du Hainaut</b> & environs"
THERE_LONG = "Cercle de Bafoulabé (Kayes, Mali) — <script>alert(1)</script> $5"


def crowded_programme() -> ProgrammeSynthesis:
    """Two territories with long, hostile names and many themes, hostile labels among them:
    more than the charts keep (ten themes, six of each kind face to face)."""
    sessions = [("s-here", "Séance <i>ici</i>", HERE_LONG), ("s-there", "Séance là-bas",
                                                                THERE_LONG)]
    labels = {
        "blocker": [*HOSTILE_TEXTS, "Accès au financement des projets portés par des femmes "
                    "de la diaspora dans les zones rurales et périurbaines", "Le coût $x^2$",
                    "Transport", "Langue"],
        "lever": ["Tontines & <em>garanties</em>", "Mentorat", "Réseaux ESS", "Radio locale",
                  "Coopératives", "Formation", "Jumelages", "Marchés publics"],
    }
    themes: dict[str, list[ProgrammeTheme]] = {"blocker": [], "lever": []}
    for kind, names in labels.items():
        for n, label in enumerate(names):
            where = sessions if n % 3 == 0 else [sessions[n % 2]]
            mentions = tuple(Mention(sid, title, territory, label, votes=(n * 7) % 11,
                                     size=1 + (n * 5 + i) % 6, examples=(f"{label} !",))
                             for i, (sid, title, territory) in enumerate(where))
            themes[kind].append(ProgrammeTheme(f"{kind}-{n}", kind, label, mentions))

    def ids(kind: str, test) -> tuple[str, ...]:  # noqa: ANN001 - a predicate
        return tuple(t.id for t in themes[kind] if test(set(t.territories)))

    both = {HERE_LONG, THERE_LONG}
    comparison = HereAndThere(
        HERE_LONG, THERE_LONG,
        ids("blocker", lambda t: t == both), ids("blocker", lambda t: t == {HERE_LONG}),
        ids("blocker", lambda t: t == {THERE_LONG}), ids("lever", lambda t: t == both),
        ids("lever", lambda t: t == {HERE_LONG}), ids("lever", lambda t: t == {THERE_LONG}),
        (), ())
    return ProgrammeSynthesis(
        "Programme <b>test</b> & « $5 »", "fr",
        tuple({"id": sid, "title": title, "kind_name": "Thé-palabre", "date": "2026-03-12",
               "territory": territory, "participants": 10, "contributions": 20}
              for sid, title, territory in sessions),
        (HERE_LONG, THERE_LONG), 20, 40, tuple(themes["blocker"]), tuple(themes["lever"]),
        comparison)
