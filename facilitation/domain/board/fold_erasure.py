"""Folding an erasure's tombstone: a board built from the rows before they were rewritten
(another process's cache) drops what the rewritten rows no longer hold."""

from __future__ import annotations

from ..erasure import scrub_theme
from ..events import ContributionsErased, Recorded
from .state import Board


def contributions_erased(event: ContributionsErased, board: Board, recorded: Recorded) -> None:
    erased = {cid for cid in event.contribution_ids if cid in board.contributions}
    erased_texts = [text for cid in erased for text in (board.contributions[cid].text,
                                                        board.contributions[cid].original_text)
                    if text]
    for cid in erased:
        sender = board.participants.get(board.contributions[cid].participant_id or "")
        if sender is not None:
            sender.card_ids.remove(cid)
        board.place(cid, None)
        board.assignments.pop(cid, None)
        board.flags.pop(cid, None)
        del board.contributions[cid]
    texts = {cid: card.text for cid, card in board.contributions.items()}
    for theme in list(board.themes.values()):
        scrubbed = scrub_theme(theme.to_dict(), erased, erased_texts, texts)
        if scrubbed is not None:
            theme.example, theme.label = scrubbed["example"], scrubbed["label"]
    board.quotes = [cid for cid in board.quotes if cid not in erased]
    for voter, targets in board.votes.items():
        board.votes[voter] = [target for target in targets if target not in erased]
    if event.participant_id is None:  # cards typed for a speaker: no phone of theirs
        board.corrected_seq = recorded.seq
        return
    participant = board.participants.get(event.participant_id)
    if participant is not None:
        participant.name, participant.profile, participant.member_id = None, {}, None
    for radar in board.radars.values():
        radar.ratings.pop(event.participant_id, None)
    board.corrected_seq = recorded.seq  # a grouping computed before may quote the cards


HANDLERS = {ContributionsErased: contributions_erased}
