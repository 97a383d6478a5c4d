"""Downloading syntheses: by API (sessions, programmes) and by CLI, reproducibly."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from facilitation.transport.cli import main
from facilitation.usecases.steering import FacilitatorCommands

from ..conftest import new_client_id


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def meeting(service: Any, facilitator: Any, title: str, territory: str,
            programme: str = "MIES 2026", language: str = "fr") -> str:
    """A short closed session with cards, votes, a quote, conclusions and a decision."""
    board = service.create_session(facilitator.id, title, "palabre", language,
                                   programme=programme)
    sid = board.session_id
    commands = FacilitatorCommands(service)

    def run(**data: Any) -> dict[str, Any]:
        return commands.run(sid, facilitator.id, data).ack

    run(type="set_details", territory=territory, place="Maison des associations",
        date="2026-03-12")
    awa = service.join(board.code, name="Awa")
    texts = {"la banque refuse mon crédit": "blocker", "pas de prêt bancaire": "blocker",
             "trop de papiers à la préfecture": "blocker", "créer une tontine": "lever",
             "un parrain pour les démarches": "lever"}
    ids = [service.add_contribution(sid, awa.participant_id, new_client_id(), text,
                                    kind).ack["contribution_id"] for text, kind in texts.items()]
    hidden = service.add_contribution(sid, awa.participant_id, new_client_id(),
                                      "message hors sujet", "blocker").ack["contribution_id"]
    run(type="hide_contribution", contribution_id=hidden)
    run(type="mark_quote", contribution_id=ids[0])
    for phase in ("collect", "group", "vote"):
        run(type="change_phase", phase=phase)
    service.vote(sid, awa.participant_id, new_client_id(), ids[3])
    run(type="change_phase", phase="synthesis")
    run(type="set_conclusions", text="Le crédit est le premier frein.")
    run(type="set_decisions", decisions=[{"text": "Rencontrer la banque solidaire",
                                          "owner": "Awa", "due": "2026-04-01"}])
    run(type="change_phase", phase="closed")
    return sid


def test_every_format_downloads_and_md_csv_json_are_byte_identical(client, service,
                                                                    facilitator) -> None:
    sid = meeting(service, facilitator, "Thé-palabre de Kayes", "Kayes")
    for fmt in ("md", "html", "docx", "csv", "json", "pdf"):
        first = client.get(f"/api/sessions/{sid}/synthesis.{fmt}",
                           headers=bearer(facilitator.token))
        assert first.status_code == 200, (fmt, first.data[:200])
        assert "attachment" in first.headers["Content-Disposition"]
        assert first.data
        if fmt in ("md", "csv", "json"):
            again = client.get(f"/api/sessions/{sid}/synthesis.{fmt}",
                               headers=bearer(facilitator.token))
            assert again.data == first.data, fmt
    body = json.loads(client.get(f"/api/sessions/{sid}/synthesis.json",
                                 headers=bearer(facilitator.token)).data)
    assert body["territory"] == "Kayes" and body["conclusions"].startswith("Le crédit")
    texts = [c["text"] for theme in body["blockers"] + body["levers"] for c in theme["cards"]]
    assert "message hors sujet" not in texts and len(texts) == 5
    md = client.get(f"/api/sessions/{sid}/synthesis.md", headers=bearer(facilitator.token))
    assert "Freins" in md.data.decode() and "Leviers" in md.data.decode()


def test_a_synthesis_replayed_from_the_log_equals_the_live_one(make_app, service,
                                                               facilitator) -> None:
    from facilitation.usecases import exports

    sid = meeting(service, facilitator, "Club de Roubaix", "Hauts-de-France")
    live = exports.session_synthesis(service, sid, facilitator.id)
    replayed_service = make_app().extensions["facilitation"]  # fresh cache: folds the log
    assert exports.session_synthesis(replayed_service, sid, facilitator.id) == live


def test_syntheses_are_for_the_sessions_facilitators(client, service, facilitator,
                                                     other_facilitator) -> None:
    sid = meeting(service, facilitator, "Kayes", "Kayes")
    denied = client.get(f"/api/sessions/{sid}/synthesis.md",
                        headers=bearer(other_facilitator.token))
    assert denied.status_code == 403
    unknown = client.get(f"/api/sessions/{sid}/synthesis.odt", headers=bearer(facilitator.token))
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "unknown_format"


def test_a_programme_synthesis_compares_here_and_there(client, service, facilitator) -> None:
    meeting(service, facilitator, "Palabre Kayes 1", "Kayes")
    meeting(service, facilitator, "Palabre Kayes 2", "Kayes")
    meeting(service, facilitator, "Petit-déj Lille", "Hauts-de-France")
    listed = client.get("/api/programmes", headers=bearer(facilitator.token)).json
    assert listed["programmes"] == ["MIES 2026"]
    url = "/api/programmes/MIES 2026/synthesis.json?here=Kayes&there=Hauts-de-France"
    body = json.loads(client.get(url, headers=bearer(facilitator.token)).data)
    assert len(body["sessions"]) == 3
    assert body["territories"] == ["Hauts-de-France", "Kayes"]
    assert body["comparison"]["here"] == "Kayes"
    everywhere = [t for t in body["blockers"] if t["sessions"] == 3]
    assert everywhere, "the credit blocker came up in all three sessions"
    assert body["comparison"]["shared_blockers"]
    for fmt in ("md", "html", "docx", "csv"):
        response = client.get(f"/api/programmes/MIES 2026/synthesis.{fmt}?here=Kayes"
                              "&there=Hauts-de-France", headers=bearer(facilitator.token))
        assert response.status_code == 200, fmt
    wrong = client.get("/api/programmes/MIES 2026/synthesis.md?here=Bamako&there=Kayes",
                       headers=bearer(facilitator.token))
    assert wrong.json["error"]["code"] == "unknown_territory"


def test_the_cli_exports_a_synthesis_and_the_event_log(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("FACILITATION_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")
    monkeypatch.setenv("FACILITATION_CLUSTERING_BACKEND", "lexical")
    app = make_app()
    from facilitation.usecases import accounts

    service = app.extensions["facilitation"]
    owner = accounts.create(service.db, "awa@grdr.example", "palabre-2026", "Awa Diallo")
    sid = meeting(service, owner, "Kayes", "Kayes")
    runner = CliRunner()
    md = runner.invoke(main, ["export", sid, "--format", "md"])
    assert md.exit_code == 0, md.output
    assert "Awa Diallo" in md.output and "Freins" in md.output
    out = tmp_path / "s.docx"
    assert runner.invoke(main, ["export", service.board(sid).code, "--format", "docx",
                                "-o", str(out)]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    events = runner.invoke(main, ["export", sid, "--format", "events"])
    lines = [json.loads(line) for line in events.output.splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, len(lines) + 1))
    assert {e["session_id"] for e in lines} == {sid}
    assert lines[0]["type"] == "session_created" and lines[0]["version"] == 1
    assert any(e["client_id"] for e in lines if e["type"] == "contribution_added")


def test_the_home_page_offers_programme_syntheses(client, service, facilitator) -> None:
    meeting(service, facilitator, "Palabre Kayes", "Kayes")
    meeting(service, facilitator, "Petit-déj Lille", "Hauts-de-France")
    client.post("/login", data={"email": facilitator.email, "password": facilitator.password})
    home = client.get("/").get_data(as_text=True)
    assert "Synthèses de programme" in home and "MIES 2026" in home
    assert "<option>Kayes</option>" in home
    page = client.get("/api/programmes/MIES 2026/synthesis.html?inline=1&here=Kayes"
                      "&there=Hauts-de-France")
    assert page.status_code == 200 and "inline" in page.headers["Content-Disposition"]
    assert "Kayes" in page.get_data(as_text=True)


def test_charts_of_a_session_are_the_documents_svgs(client, service, facilitator,
                                                    other_facilitator) -> None:
    sid = meeting(service, facilitator, "Thé-palabre de Kayes", "Kayes")
    html = client.get(f"/api/sessions/{sid}/synthesis.html",
                      headers=bearer(facilitator.token)).get_data(as_text=True)
    for name in ("votes", "kinds"):
        answer = client.get(f"/api/sessions/{sid}/charts/{name}.svg",
                            headers=bearer(facilitator.token))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.mimetype == "image/svg+xml"
        svg = answer.get_data(as_text=True)
        assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
        title = svg.split("<title", 1)[1].split(">", 1)[1].split("<", 1)[0]
        assert title in html  # the same chart as in the document
    none = client.get(f"/api/sessions/{sid}/charts/radar.svg", headers=bearer(facilitator.token))
    assert none.status_code == 404 and none.get_json()["error"]["code"] == "no_chart"
    assert client.get(f"/api/sessions/{sid}/charts/pie.svg",
                      headers=bearer(facilitator.token)).status_code == 404
    assert client.get(f"/api/sessions/{sid}/charts/votes.svg",
                      headers=bearer(other_facilitator.token)).status_code == 403
