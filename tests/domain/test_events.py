"""A card's payload, written out by hand, is what the generic dataclass copy gave."""

from __future__ import annotations

import dataclasses

from facilitation.domain.events import ContributionAdded


def test_a_cards_payload_is_its_fields_in_order_without_voice_for_text() -> None:
    card = ContributionAdded("c1", "p1", "la banque refuse", "blocker", "q1", "Awa", True)
    expected = dataclasses.asdict(card)
    del expected["voice"]
    assert list(card.to_payload().items()) == list(expected.items())


def test_a_voice_cards_payload_has_a_copy_of_its_voice() -> None:
    voice = {"duration_ms": 4200, "mime": "audio/webm"}
    card = ContributionAdded("c2", None, "", "lever", voice=voice)
    payload = card.to_payload()
    assert payload == dataclasses.asdict(card)
    payload["voice"]["mime"] = "changed"
    assert card.voice == {"duration_ms": 4200, "mime": "audio/webm"}
