"""Card text that documents cannot carry: cleaned when it arrives (`rules.clean_text`),
and cleaned again when a .docx is written, for logs recorded before."""

from __future__ import annotations

import io

import docx
import pytest

from facilitation.domain import rules
from facilitation.domain.errors import Rejected
from facilitation.domain.events import ContributionAdded
from facilitation.store import log

from ..conftest import new_client_id

INVISIBLE = "\u061c\u2060\ufeff\u180e\u200b\u202e\u2066"


def _docx_text(client, session_id: str, token: str) -> str:
    response = client.get(f"/api/sessions/{session_id}/synthesis.docx",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.status_code
    document = docx.Document(io.BytesIO(response.data))
    return "\n".join(p.text for p in document.paragraphs)


def test_a_card_with_noncharacters_still_exports_to_docx(palabre, phone, client,
                                                          facilitator, service) -> None:
    awa = phone(palabre.code)
    ack = awa.emit("contribute", {"client_id": new_client_id(), "kind": "blocker",
                                  "text": "Crédit\uffff refusé\ufffe par la banque"},
                   callback=True)
    assert ack["ok"], ack
    card = service.board(palabre.session_id).contributions[ack["contribution_id"]]
    assert card.text == "Crédit refusé par la banque"
    assert "Crédit refusé par la banque" in _docx_text(client, palabre.session_id,
                                                       facilitator.token)


def test_an_old_log_with_xml_invalid_text_still_exports_to_docx(palabre, client,
                                                                facilitator, service) -> None:
    board = service.board(palabre.session_id)
    with service.db.write() as db:  # written before cards were cleaned of these
        log.append(db, palabre.session_id, [ContributionAdded(
            "c-old", None, "Pas\uffff de\x01 local\ufffe", "blocker", None)],
            actor="facilitator:1", after=board.seq)
    assert "Pas de local" in _docx_text(client, palabre.session_id, facilitator.token)


def test_card_text_loses_invisible_characters_and_stacked_marks() -> None:
    assert rules.clean_text(f"Ban{INVISIBLE}ques") == "Banques"
    zalgo = "e" + "\u0301\u0302\u0303\u0304\u0305\u0306" * 5
    assert rules.clean_text(zalgo) == "é\u0302\u0303\u0304"  # NFC, then 3 marks at most
    assert rules.clean_text("a\ud800b") == "ab"
    assert rules.clean_text("Noël, ça, été") == "Noël, ça, été"  # accents are letters
    with pytest.raises(Rejected) as refused:
        rules.clean_text(INVISIBLE + "\ufffe")
    assert refused.value.code == "empty_text"
