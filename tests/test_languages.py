"""One language per screen: every page, rendered in French and in English, says nothing in
the other language; a pseudo-locale shows the words that do not go through the catalogue.

The pages are driven through HTTP only (forms, the JSON API, a phone's socket), so that this
file does not depend on where the use cases live."""

from __future__ import annotations

import importlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .conftest import FacilitatorAccount, new_client_id
from .screen_text import said

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "facilitation/translations/fr/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|%[sd]")
SETUP_TOKEN = "first-run-link-for-tests"


# -- what each language says ------------------------------------------------------------------
def _module(*names: str) -> Any:
    """A module by its name now or after the package's layout moves (domain/, usecases/)."""
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError(names)


def _catalogue() -> list[Any]:
    with CATALOGUE.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def vocabulary() -> dict[str, set[str]]:
    """Every phrase the product says, per language: the catalogue (English msgids, French
    msgstrs) and the word tables of the documents and the domain."""
    words: dict[str, set[str]] = {"fr": set(), "en": set()}
    for message in _catalogue():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        words["en"].update(ids)
        words["fr"].update(s for s in strings if s)
    tables = [
        _module("facilitation.club.words", "facilitation.domain.club.words").WORDS,
        _module("facilitation.synthesis.words").WORDS,
    ]
    for table in tables:
        for language in ("fr", "en"):
            words[language].update(v for v in table[language].values() if isinstance(v, str))
    kinds = _module("facilitation.kinds", "facilitation.domain.kinds")
    for kind in kinds.SESSION_KINDS.values():
        for language in ("fr", "en"):
            words[language].add(kind.names[language])
    return words


def _pattern(phrase: str) -> re.Pattern[str] | None:
    """A phrase as a regular expression (placeholders match anything), or None when it is too
    short or too bare to tell a language by (a number, a symbol, a placeholder alone)."""
    fixed = [part.strip(" .:·,;!?…()—–-") for part in PLACEHOLDER.split(phrase)]
    if sum(len(part) for part in fixed) < 4 or not any(re.search(r"[^\W\d_]{3}", p)
                                                       for p in fixed):
        return None
    body = ".+?".join(re.escape(" ".join(part.split())) for part in PLACEHOLDER.split(phrase))
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def foreign_phrases(language: str) -> list[tuple[str, re.Pattern[str]]]:
    """The other language's phrases that this language never says itself."""
    words = vocabulary()
    other = "en" if language == "fr" else "fr"
    own = {" ".join(w.lower().split()) for w in words[language]}
    own_words = {w for phrase in own for w in re.findall(r"[^\W\d_][\w'’-]*", phrase)}
    found = []
    for phrase in sorted(words[other]):
        folded = " ".join(phrase.lower().split())
        if folded in own or folded in own_words:  # "Date", "Session": both languages say it
            continue
        pattern = _pattern(phrase)
        if pattern is not None:
            found.append((phrase, pattern))
    return found


# -- a site with something on every page -----------------------------------------------------
@dataclass
class Site:
    """Pages to read: (name, url), and the text the test itself typed (user data)."""

    pages: list[tuple[str, str]] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)


DATA = {  # what people type, in the screen's language (user data is no product word)
    "fr": {"title": "Rencontre de Kayes", "club": "Club de Lille-Sud", "meeting": "Rencontre",
           "members": ["Awa", "Moussa"], "project": "Épicerie solidaire",
           "step": "voir la banque", "programme": "MIES 2026",
           "cards": [("la banque refuse de me prêter", "blocker"),
                     ("le réseau des anciens aide beaucoup", "lever")]},
    "en": {"title": "Meeting in Kayes", "club": "Lille South club", "meeting": "Gathering",
           "members": ["Awa", "Moussa"], "project": "Community grocery",
           "step": "see the bank", "programme": "MIES 2026",
           "cards": [("the bank refuses to lend me money", "blocker"),
                     ("the alumni network helps a lot", "lever")]},
}


def _ok(response: Any, *codes: int) -> Any:
    assert response.status_code in (codes or (200,)), (response.status_code,
                                                        response.get_data(as_text=True)[:500])
    return response


def build_site(app: Any, client: Any, account: FacilitatorAccount, language: str,
               interface: str | None = None) -> Site:
    """Sessions, a club, a member held in `language`, made through the pages as a facilitator
    would; their pages are to be read in `interface` (default: the same)."""
    data = DATA[language]
    site = Site()
    site.typed += [data["title"], data["club"], data["meeting"], data["project"], data["step"],
                   data["programme"], account.email, *data["members"],
                   *(text for text, _ in data["cards"])]
    lang = f"lang={interface or language}"
    site.pages += [("login", f"/login?{lang}"), ("enter-code", f"/join?{lang}"),
                   ("enter-code, wrong code", f"/join/ZZZZZZ?{lang}"),
                   ("member page, wrong link", f"/m/not-a-link?{lang}")]
    _ok(client.post("/login", data={"email": account.email, "password": account.password}),
        302)
    created = _ok(client.post("/sessions", data={
        "title": data["title"], "kind": "palabre", "language": language,
        "programme": data["programme"]}), 302)
    session_id = created.headers["Location"].split("/sessions/")[1].split("/")[0]
    code = json.loads(_ok(client.get(f"/api/sessions/{session_id}/board")).data)["code"]
    site.typed += [code, "localhost", "/join"]  # the board's entry address, in pieces
    kinds = _module("facilitation.kinds", "facilitation.domain.kinds")
    site.typed += [prompt for kind in kinds.SESSION_KINDS.values()  # a session's questions
                   for prompts in kind.prompts.values() for prompt in prompts]
    for text, kind in data["cards"]:
        _ok(client.post(f"/join/{code}", data={"text": text, "kind": kind,
                                               "client_id": new_client_id()}), 302)

    def phase(name: str) -> None:
        _ok(client.post(f"/api/sessions/{session_id}/commands",
                        json={"type": "change_phase", "phase": name}))

    for name in ("welcome", "collect", "group", "vote", "synthesis", "closed"):
        if name != "welcome":
            phase(name)
        site.pages += [(f"console ({name})", f"/sessions/{session_id}/console?{lang}"),
                       (f"board ({name})", f"/sessions/{session_id}/board?{lang}"),
                       (f"phone ({name})", f"/join/{code}?{lang}")]
    site.pages += [("home", f"/?{lang}"),
                   ("synthesis", f"/api/sessions/{session_id}/synthesis.html"),
                   ("programme synthesis",
                    f"/api/programmes/{data['programme']}/synthesis.html?inline=1")]

    club = _ok(client.post("/clubs", data={"name": data["club"], "language": language}), 302)
    club_id = club.headers["Location"].rsplit("/", 1)[1]
    members = {}
    for name in data["members"]:
        shown = _ok(client.post(f"/clubs/{club_id}/members?{lang}", data={"name": name}))
        page = shown.get_data(as_text=True)
        link = re.search(r'readonly value="([^"]+)"', page)
        assert link, page
        members[name] = link.group(1).rsplit("/m/", 1)[1]
        site.typed.append(link.group(1))
    first = data["members"][0]
    member_id = next(iter(json.loads(_ok(client.get(f"/api/clubs/{club_id}")).data)["members"]))
    member_id = member_id["id"] if isinstance(member_id, dict) else member_id
    _ok(client.post(f"/clubs/{club_id}/members/{member_id}/project", data={
        "project": data["project"], "stage": "creation", "step_text": data["step"],
        "step_due": "2026-12-10", "step_helper": ""}), 302)
    meeting = _ok(client.post(f"/clubs/{club_id}/meetings", data={"title": data["meeting"]}),
                  302)
    meeting_id = meeting.headers["Location"].split("/sessions/")[1].split("/")[0]
    site.typed.append(json.loads(_ok(client.get(f"/api/sessions/{meeting_id}/board")).data)[
        "code"])
    site.pages += [("club page", f"/clubs/{club_id}?{lang}"),
                   ("club board", f"/clubs/{club_id}/board?{lang}"),
                   ("club meeting console", f"/sessions/{meeting_id}/console?{lang}"),
                   ("club meeting board", f"/sessions/{meeting_id}/board?{lang}"),
                   ("member page", f"/m/{members[first]}?{lang}"),
                   ("member timeline", f"/m/{members[first]}/timeline.html?{lang}")]
    return site


def read_pages(app: Any, client: Any, site: Site,
               language: str) -> Iterator[tuple[str, str, str]]:
    """(page, where, text) for every page of the site, read in `language`."""
    anonymous = app.test_client()
    for name, url in site.pages:
        reader = anonymous if name in ("login", "member page, wrong link") else client
        if name.startswith(("enter-code", "phone", "member")):
            reader = anonymous
        response = reader.get(url, headers={"Accept-Language": language})
        assert response.status_code in (200, 404), (name, response.status_code)
        assert response.mimetype == "text/html", name
        for where, text in said(response.get_data(as_text=True)):
            yield name, where, text


DOCUMENTS = ("synthesis", "programme synthesis", "member timeline")  # word tables, no catalogue


def strip_typed(text: str, typed: list[str]) -> str:
    """The text without what the test typed (user data) and without addresses."""
    text = re.sub(r"https?://\S+", " ", text)
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


@pytest.fixture
def fresh_app(make_app: Callable[..., Any]) -> Any:
    return make_app()


def _setup_page(app: Any, language: str) -> tuple[str, str, str]:
    (Path(app.instance_path) / "setup_token").write_text(SETUP_TOKEN)
    return ("setup", f"/setup/{SETUP_TOKEN}?lang={language}", "")


# -- 1. the other language is never on the screen --------------------------------------------
@pytest.mark.parametrize(("language", "sessions"),
                         [("fr", "fr"), ("en", "en"), ("en", "fr"), ("fr", "en")])
def test_every_page_speaks_one_language(make_app: Callable[..., Any], language: str,
                                        sessions: str) -> None:
    """Pages read in `language` about sessions and a club held in `sessions`: a French club's
    page read in English says its stages in English; documents follow their session."""
    app = make_app()
    client = app.test_client()
    setup = _setup_page(app, language)
    texts = [("setup", w, t) for w, t in said(_ok(client.get(setup[1])).get_data(as_text=True))]
    account = _account(client)
    site = build_site(app, client, account, sessions, language)
    if sessions != language:  # documents are written in their session's language
        site.pages = [(n, u) for n, u in site.pages if n not in DOCUMENTS]
    texts += list(read_pages(app, client, site, language))
    foreign = foreign_phrases(language)
    found = sorted({
        f"{page} · {where}: {phrase!r} in {text!r}"
        for page, where, text in texts
        for phrase, pattern in foreign
        if pattern.search(strip_typed(text, site.typed))
    })
    assert found == [], "\n".join(found)
    plural = ONE_PLURAL[language]
    wrong = sorted({f"{page} · {where}: {text!r}" for page, where, text in texts
                    if plural.search(strip_typed(text, site.typed))})
    assert wrong == [], "\n".join(wrong)  # ngettext: "1 update", "1 mise à jour"


ONE_PLURAL = {  # one of something said in the plural: a count without ngettext
    "en": re.compile(r"(?<![\d.,])1\s+(members|updates|votes|cards|sessions|responses|voters)\b"),
    "fr": re.compile(r"(?<![\d.,])[01]\s+(membres|mises à jour|votes|cartes|sessions|réponses)\b"),
}


def _account(client: Any) -> FacilitatorAccount:
    """The first facilitator, created through the first-run page."""
    email, password = "awa@grdr.example", "palabre-2026"
    _ok(client.post(f"/setup/{SETUP_TOKEN}", data={"email": email, "password": password}), 302)
    client.post("/logout")
    return FacilitatorAccount(0, email, password, "")


# -- 2. a pseudo-locale: every word on the screen comes from the catalogue -------------------
OPEN, CLOSE = "⟦", "⟧"
NEUTRAL = {  # words that are the same in every language on purpose
    "PDF", "Word", "HTML", "Markdown", "CSV", "JSON", "DOCX", "MD", "Ctrl", "Enter", "QR",
    "English", "Français",  # the language switch names each language in itself
}


def pseudo_catalogue(directory: Path) -> Path:
    """The French catalogue with every message wrapped in ⟦…⟧ (placeholders kept)."""
    target = directory / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(OPEN + form + CLOSE for form in message.id)
        else:
            message.string = OPEN + message.id + CLOSE
        message.flags.discard("fuzzy")
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    return directory


def untranslated(text: str) -> str:
    """What is left of a text once the catalogue's words (⟦…⟧, nested too) are taken out."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    words = re.findall(r"[^\W\d_][\w'’-]*[^\W\d_]", text)
    return " ".join(w for w in words if w not in NEUTRAL)


@pytest.fixture
def pseudo_app(make_app: Callable[..., Any], tmp_path: Path) -> Iterator[Any]:
    """An app whose French is the pseudo-locale. Flask-Babel caches catalogues by locale in
    one place for every app of the process: emptied before and after."""
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(pseudo_catalogue(tmp_path / "pseudo")))
    with app.app_context():
        cache = app.extensions["babel"].instance.domain_instance.cache
    cache.clear()
    yield app
    cache.clear()


def test_every_word_on_the_screens_comes_from_the_catalogue(pseudo_app: Any) -> None:
    app = pseudo_app
    client = app.test_client()
    setup = _setup_page(app, "fr")
    texts = [("setup", w, t) for w, t in said(_ok(client.get(setup[1])).get_data(as_text=True))]
    account = _account(client)
    site = build_site(app, client, account, "fr")
    site.pages = [(name, url) for name, url in site.pages if name not in DOCUMENTS]
    texts += list(read_pages(app, client, site, "fr"))
    assert any(OPEN in text for _, _, text in texts), "the pseudo-locale is not in use"
    found = sorted({
        f"{page} · {where}: {left!r} in {text!r}"
        for page, where, text in texts
        if (left := untranslated(strip_typed(text, site.typed)))
    })
    assert found == [], "\n".join(found)


# -- 3. the words the server adds to a board follow the session ------------------------------
def test_an_english_board_names_its_misc_theme_in_english(client: Any, facilitator: Any,
                                                           phone: Callable[..., Any]) -> None:
    """French cards in an English session: the leftovers' theme is "Other", not "Divers"."""
    headers = {"Authorization": f"Bearer {facilitator.token}"}
    created = _ok(client.post("/api/sessions", headers=headers, json={
        "title": "Tea circle", "kind": "palabre", "language": "en"}), 201).get_json()
    someone = phone(created["code"])
    texts = ["la banque refuse de me prêter", "le bus ne passe pas le dimanche",
             "trop de bruit dans la salle", "les papiers de la préfecture"]
    for text in texts:
        ack = someone.emit("contribute", {"client_id": new_client_id(), "text": text,
                                          "kind": "blocker"}, callback=True)
        assert ack["ok"], ack
    deadline = time.monotonic() + 20
    themes: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        board = client.get(f"/api/sessions/{created['id']}/board", headers=headers).get_json()
        themes = board.get("themes") or []
        if isinstance(themes, dict):
            themes = list(themes.values())
        if sum(len(t["card_ids"]) for t in themes) == len(texts):
            break
        time.sleep(0.05)
    misc = [t for t in themes if t["misc"]]
    assert misc, themes
    assert {t["label"] for t in misc} == {"Other"}


def test_counts_use_plural_forms_not_parentheses() -> None:
    """"1 vote(s) sur 3" reads badly: a count takes ngettext's plural forms."""
    faked = sorted(str(m.id) for m in _catalogue()
                   if re.search(r"\w\((s|e|es|x)\)", str(m.id) + str(m.string)))
    assert faked == []
