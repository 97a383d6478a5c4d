"""Folding the grouping: the engine's themes and the facilitator's corrections."""

from __future__ import annotations

from .. import pictograms
from ..events import (
    CardMoved,
    GroupingSet,
    Recorded,
    ThemePinned,
    ThemeRenamed,
    ThemesMerged,
    ThemesUpdated,
)
from .state import Board, Grouping, Theme

NEW_THEME_LABELS = {"fr": "Nouveau thème", "en": "New theme"}
# Colours for themes the facilitator creates by hand (the engine picks its own).
HAND_COLOURS = ("#5b4a9e", "#8a5a00", "#2c6e8f", "#8f2c5a", "#4d6b1f", "#6b4226")


def themes_updated(event: ThemesUpdated, board: Board, recorded: Recorded) -> None:
    before = {tid: theme.picto for tid, theme in board.themes.items()}
    board.themes = {}
    board.theme_of = {}
    for item in event.themes:
        members = [cid for cid in dict.fromkeys(item["card_ids"])
                   if cid in board.contributions and cid not in board.theme_of]
        if not members:
            continue
        theme = Theme(item["id"], item.get("kind"), item["label"], members,
                      item.get("colour", "#555555"), item.get("example", ""),
                      bool(item.get("misc")), bool(item.get("pinned")),
                      bool(item.get("renamed")))
        # the same theme keeps the pictogram people saw; a new one gets one from its words
        theme.picto = pictograms.keep_or_choose(
            before.get(theme.id), theme.label,
            (board.contributions[cid].text for cid in members[:pictograms.CARDS_READ]))
        board.themes[theme.id] = theme
        board.theme_of.update((cid, theme.id) for cid in members)
    board.flags = {
        flag["contribution_id"]: {k: v for k, v in flag.items() if k != "contribution_id"}
        for flag in event.flags
    }
    board.grouped_seq = event.based_on


def _corrected(board: Board, recorded: Recorded) -> None:
    board.corrected_seq = recorded.seq


def card_moved(event: CardMoved, board: Board, recorded: Recorded) -> None:
    card = board.contributions.get(event.contribution_id)
    if card is None:
        return
    if event.theme_id not in board.themes:
        label = event.label or NEW_THEME_LABELS.get(board.language, NEW_THEME_LABELS["en"])
        colour = HAND_COLOURS[len(board.themes) % len(HAND_COLOURS)]
        board.themes[event.theme_id] = Theme(event.theme_id, card.kind, label, [], colour,
                                             renamed=event.label is not None,
                                             picto=pictograms.choose(label, [card.text]))
    board.place(card.id, event.theme_id)
    board.assignments[card.id] = event.theme_id
    _corrected(board, recorded)


def themes_merged(event: ThemesMerged, board: Board, recorded: Recorded) -> None:
    if event.into not in board.themes:
        return
    for theme_id in event.theme_ids:
        theme = board.themes.get(theme_id)
        if theme is None or theme_id == event.into:
            continue
        for card_id in list(theme.card_ids):
            board.place(card_id, event.into)
    for card_id in board.themes[event.into].card_ids:
        board.assignments[card_id] = event.into
    _corrected(board, recorded)


def theme_renamed(event: ThemeRenamed, board: Board, recorded: Recorded) -> None:
    theme = board.themes.get(event.theme_id)
    if theme is not None:
        theme.label = event.label
        theme.renamed = True
        # the facilitator's name says what the theme is: its picture follows when it fits one
        theme.picto = pictograms.choose(event.label) or theme.picto
        _corrected(board, recorded)


def theme_pinned(event: ThemePinned, board: Board, recorded: Recorded) -> None:
    theme = board.themes.get(event.theme_id)
    if theme is not None:
        theme.pinned = event.pinned
        _corrected(board, recorded)


def grouping_set(event: GroupingSet, board: Board, recorded: Recorded) -> None:
    board.grouping = Grouping(event.auto, event.locked, event.granularity)
    _corrected(board, recorded)


HANDLERS = {
    ThemesUpdated: themes_updated,
    CardMoved: card_moved,
    ThemesMerged: themes_merged,
    ThemeRenamed: theme_renamed,
    ThemePinned: theme_pinned,
    GroupingSet: grouping_set,
}
