"""A new language is a catalogue, no code change (docs/translate.md): catalogues generated at
test time from the extracted template, in a temporary folder, become interface languages;
the phone speaks its own language whatever the session's, every word through the catalogue;
a right-to-left language turns the pages around."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from facilitation.transport import languages

from ..conftest import new_client_id
from ..screen_text import said
from ..test_languages import CLOSE, OPEN, strip_typed, untranslated

ROOT = Path(__file__).resolve().parents[2]
PSEUDO, RTL = "eo", "ar"  # codes Babel knows, with no catalogue in the product


def _wrap(text: str) -> str:
    return OPEN + text + CLOSE


@pytest.fixture(scope="module")
def extra_translations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every msgid the code says (pybabel extract), wrapped in ⟦…⟧, compiled as a catalogue
    for PSEUDO and for RTL in a temporary translations folder (never committed)."""
    folder = tmp_path_factory.mktemp("translations")
    template = folder / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "N_", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    for code in (PSEUDO, RTL):
        with template.open("rb") as handle:
            catalogue = read_po(handle, locale=code)
        for message in catalogue:
            if not message.id:
                continue
            if isinstance(message.id, tuple):  # every plural form the language has
                forms = catalogue.num_plurals
                message.string = tuple(_wrap(message.id[min(i, 1)]) for i in range(forms))
            else:
                message.string = _wrap(message.id)
        target = folder / code / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "messages.mo").open("wb") as handle:
            write_mo(handle, catalogue)
    return folder


@pytest.fixture
def app(make_app: Callable[..., Any], extra_translations: Path) -> Iterator[Any]:
    """The product's catalogues plus the generated ones, named by the deployment setting
    (the conftest fixtures — facilitator, phone — use this app). Flask-Babel caches
    catalogues per locale for the whole process: emptied around."""
    built = make_app(FACILITATION_TRANSLATIONS=str(extra_translations))
    with built.app_context():
        cache = built.extensions["babel"].instance.domain_instance.cache
    cache.clear()
    yield built
    cache.clear()


@pytest.fixture
def translated_app(app: Any) -> Any:
    return app


def _session(app: Any, facilitator: Any, language: str = "fr") -> tuple[str, str]:
    client = app.test_client()
    created = client.post("/api/sessions", headers={"Authorization": f"Bearer {facilitator.token}"},
                          json={"title": "Rencontre de Kayes", "kind": "palabre",
                                "language": language})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    return body["id"], body["code"]


def test_a_generated_catalogue_is_an_interface_language_without_code_change(
        translated_app: Any) -> None:
    """The switch offers the new languages by their own names; the product's stay."""
    offered = translated_app.extensions["interface_languages"]
    assert {"fr", "en", PSEUDO, RTL} <= set(offered)
    page = translated_app.test_client().get("/join?lang=fr").get_data(as_text=True)
    switch = re.search(r'<span class="lang-switch">(.*?)</span>', page, re.S)
    assert switch, page
    names = dict(re.findall(r'hreflang="([\w-]+)"[^>]*>([^<]+)</a>', switch.group(1)))
    assert names == {"en": "English", PSEUDO: "Esperanto", RTL: "العربية"}, names


def test_without_the_setting_only_french_and_english(make_app: Callable[..., Any]) -> None:
    app = make_app()
    assert set(app.extensions["interface_languages"]) == {"fr", "en"}
    page = app.test_client().get(f"/join?lang={PSEUDO}").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page  # an unknown language is not chosen


def test_the_phone_speaks_its_own_language_every_word_through_the_catalogue(
        translated_app: Any, facilitator: Any, phone: Callable[..., Any]) -> None:
    """A French session, a phone in the pseudo-language: in every phase, every visible text,
    accessible attribute and script string (data-i18n…) comes from the catalogue; the choice
    is remembered (cookie) and the phone's refusals come in its language too."""
    app = translated_app
    session_id, code = _session(app, facilitator)
    headers = {"Authorization": f"Bearer {facilitator.token}"}
    typed = ["Rencontre de Kayes", "la banque refuse de me prêter", code]
    kinds = __import__("facilitation.domain.kinds", fromlist=["SESSION_KINDS"])
    typed += [p for kind in kinds.SESSION_KINDS.values() for ps in kind.prompts.values()
              for p in ps]  # the session's questions are its content, in its language
    typed += [lang.name for lang in app.extensions["interface_languages"].values()]
    reader = app.test_client()
    first = reader.get(f"/join/{code}?lang={PSEUDO}")
    assert first.status_code == 200
    posted = reader.post(f"/join/{code}", data={"text": typed[1], "kind": "blocker",
                                                "client_id": new_client_id()})
    assert posted.status_code == 302, posted.get_data(as_text=True)
    someone = phone(code, lang=PSEUDO)
    assert someone.ack["ok"], someone.ack
    ack = someone.emit("contribute", {"client_id": new_client_id(), "text": "",
                                      "kind": "blocker"}, callback=True)
    assert not ack["ok"]
    assert ack["error"]["message"].startswith(OPEN), ack  # not the session's French
    found: list[str] = []
    for phase in ("welcome", "collect", "group", "vote", "synthesis", "closed"):
        if phase != "welcome":
            changed = app.test_client().post(f"/api/sessions/{session_id}/commands",
                                             headers=headers,
                                             json={"type": "change_phase", "phase": phase})
            assert changed.status_code == 200, changed.get_data(as_text=True)
        page = reader.get(f"/join/{code}").get_data(as_text=True)  # the cookie remembers
        assert f'<html lang="{PSEUDO}" dir="ltr">' in page, phase
        texts = said(page)
        assert any(OPEN in text for _, text in texts), phase
        assert any(where.startswith("<main data-i18n") for where, _ in texts), phase
        found += [f"{phase} · {where}: {left!r} in {text!r}" for where, text in texts
                  if (left := untranslated(strip_typed(text, typed)))]
    assert found == [], "\n".join(found)



def test_a_right_to_left_language_turns_every_page_around(translated_app: Any,
                                                          facilitator: Any) -> None:
    """dir="rtl" on the phone, the board and the facilitator's pages read in Arabic."""
    session_id, code = _session(translated_app, facilitator)
    client = translated_app.test_client()
    pages = ["/login", f"/join/{code}", "/join",
             f"/sessions/{session_id}/console", "/"]
    logged = client.post("/login", data={"email": facilitator.email,
                                         "password": facilitator.password})
    assert logged.status_code == 302
    for url in pages:
        response = client.get(f"{url}?lang={RTL}")
        html = response.get_data(as_text=True)
        assert f'<html lang="{RTL}" dir="rtl">' in html, (url, response.status_code, html[:300])
    english = client.get(f"/join/{code}?lang=en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english


def test_the_phone_layout_uses_logical_sides() -> None:
    """The phone's stylesheet says start/end, not left/right, so that RTL mirrors it (the
    one exception: the radio input hidden under its label)."""
    css = (ROOT / "facilitation/templates/_phone.css").read_text()
    physical = [rule for rule in re.findall(r"[^{}]+\{[^}]*\}", css)
                if re.search(r"(?<![\w-])(margin|padding|border)-(left|right)\b"
                             r"|text-align:(left|right)|(?<![\w-])right:", rule)]
    assert physical == [], physical


def test_discover_reads_only_compiled_catalogues(tmp_path: Path) -> None:
    (tmp_path / "bm" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "bm" / "LC_MESSAGES" / "messages.po").write_text("")  # not compiled yet
    (tmp_path / "wo" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "wo" / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    found = languages.discover([str(tmp_path)])
    assert set(found) == {"en", "wo"}
    assert found["wo"].direction == "ltr" and found["wo"].name == "Wolof"
