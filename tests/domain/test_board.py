"""The board is a pure fold over the log: event by event equals rebuilt from scratch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.domain.board import Board, apply, participant_view, rebuild
from facilitation.domain.events import (
    CardMoved,
    ContributionAdded,
    Event,
    GroupingSet,
    ParticipantJoined,
    ParticipantRenamed,
    PhaseChanged,
    Recorded,
    SessionCreated,
    ThemePinned,
    ThemeRenamed,
    ThemesMerged,
    ThemesUpdated,
    event_from_payload,
)

START = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def recorded(events: list[Event]) -> list[Recorded]:
    return [
        Recorded("s1", seq, event, START + timedelta(seconds=seq))
        for seq, event in enumerate(events, start=1)
    ]


def opening() -> SessionCreated:
    return SessionCreated("Thé-palabre", "palabre", "fr", "ABC234", 1,
                          ({"id": "p1", "text": "Quels freins ?"},))


names = st.one_of(st.none(), st.text(max_size=10))
later_events = st.lists(
    st.one_of(
        st.builds(ParticipantJoined, st.sampled_from(["a", "b", "c"]), names),
        st.builds(ParticipantRenamed, st.sampled_from(["a", "b", "z"]), names),
        st.builds(
            ContributionAdded,
            st.uuids().map(lambda u: u.hex[:12]),
            st.sampled_from(["a", "b", None]),
            st.text(min_size=1, max_size=30),
            st.sampled_from(["blocker", "lever"]),
            st.sampled_from([None, "p1"]),
        ),
        st.builds(PhaseChanged, st.sampled_from(["collect", "vote", "closed"]),
                  st.just("collect")),
    ),
    max_size=40,
)
card_ids = st.sampled_from(["c1", "c2", "c3", "c4"])
theme_ids = st.sampled_from(["t1", "t2", "t3"])
theme_events = st.one_of(
    st.builds(
        ThemesUpdated,
        st.lists(
            st.fixed_dictionaries({
                "id": theme_ids, "kind": st.just("blocker"), "label": st.text(max_size=8),
                "card_ids": st.lists(card_ids, unique=True, max_size=4),
                "colour": st.just("#123456"),
            }),
            max_size=3, unique_by=lambda t: t["id"],
        ).map(tuple),
        st.integers(0, 50),
    ),
    st.builds(CardMoved, card_ids, theme_ids, st.one_of(st.none(), st.text(max_size=8))),
    st.builds(ThemesMerged, st.lists(theme_ids, max_size=3).map(tuple), theme_ids),
    st.builds(ThemeRenamed, theme_ids, st.text(min_size=1, max_size=8)),
    st.builds(ThemePinned, theme_ids, st.booleans()),
    st.builds(GroupingSet, st.booleans(), st.booleans(), st.floats(0, 1)),
)
cards_then_grouping = st.lists(theme_events, max_size=25).map(
    lambda events: [ContributionAdded(f"c{n}", None, f"carte {n}", "blocker")
                    for n in range(1, 5)] + events
)


@given(cards_then_grouping)
def test_the_grouping_folds_like_a_rebuild_and_every_card_is_in_at_most_one_theme(
    events: list[Event],
) -> None:
    log = recorded([opening(), *events])
    live = Board("s1")
    for item in log:
        apply(live, item)
        again = rebuild("s1", log[: item.seq])
        assert live.to_dict() == again.to_dict()
        members = [cid for theme in live.themes.values() for cid in theme.card_ids]
        assert len(members) == len(set(members))
        assert all(live.theme_of[cid] == tid for tid, t in live.themes.items()
                   for cid in t.card_ids)
        assert all(theme.card_ids for theme in live.themes.values()), "no empty theme"


@given(later_events)
def test_folding_event_by_event_equals_rebuilding_from_the_log(events: list[Event]) -> None:
    log = recorded([opening(), *events])
    live = Board("s1")
    for item in log:
        apply(live, item)
        # the live board after each event equals a rebuild of the log so far
        assert live.to_dict() == rebuild("s1", log[: item.seq]).to_dict()
    assert live.seq == len(log)


@given(later_events)
def test_events_survive_their_stored_form(events: list[Event]) -> None:
    for event in [opening(), *events]:
        assert event_from_payload(event.type, event.version, event.to_payload()) == event


def test_a_gap_in_seq_is_refused() -> None:
    first, _second, third = recorded([opening(), ParticipantJoined("a"), ParticipantJoined("b")])
    board = apply(Board("s1"), first)
    with pytest.raises(ValueError):
        apply(board, third)


def test_cards_keep_their_author_name_and_order() -> None:
    board = rebuild("s1", recorded([
        opening(),
        ParticipantJoined("a", "Awa"),
        ContributionAdded("c1", "a", "Les banques refusent nos prêts", "blocker"),
        ContributionAdded("c2", None, "Créer une tontine", "lever"),
        ParticipantRenamed("a", "Awa D."),
    ]))
    cards = board.to_dict()["contributions"]
    assert [c["id"] for c in cards] == ["c1", "c2"]
    assert cards[0]["author"] == "Awa D."
    assert cards[1]["author"] is None
    assert board.to_dict()["participant_count"] == 1


def test_phones_see_no_other_persons_text_or_name() -> None:
    log = recorded([
        opening(),
        ParticipantJoined("a", "Moussa"),
        ContributionAdded("c1", "a", "pas de papiers", "blocker"),
        PhaseChanged("vote", "collect"),
    ])
    views = [participant_view(item) for item in log]
    assert "facilitator_id" not in views[0]["payload"]
    assert views[1] is None and views[2] is None
    assert views[3]["payload"] == {"phase": "vote", "previous": "collect"}
    assert "Moussa" not in str(views) and "papiers" not in str(views)


def test_a_closed_session_is_closed() -> None:
    board = rebuild("s1", recorded([opening(), PhaseChanged("closed", "collect")]))
    assert board.is_closed
