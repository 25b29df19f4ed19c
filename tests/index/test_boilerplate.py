"""Boilerplate stripping is general: scraped trailers and page furniture go, prose that looks similar stays."""

from __future__ import annotations

import pytest

from qa.index.boilerplate import strip_boilerplate

STORY = (
    "The minister resigned on Tuesday after a week of protests.\n"
    "Opposition leaders called for early elections.\n"
    "Parliament will meet on Friday to discuss the crisis."
)


@pytest.mark.parametrize(
    "trailer",
    [
        "Comments\nPost a Comment",
        "Related stories\nMinister under pressure\nProtests grow",
        "5 Comments\nGreat article!\nI disagree.",
        "Share this article\nSign up for our newsletter\n© 2024 Daily News. All rights reserved.",
        "You may also like:\nTen things to do this weekend",
    ],
)
def test_trailers_are_removed(trailer: str) -> None:
    assert strip_boilerplate(f"{STORY}\n{trailer}") == STORY


def test_furniture_lines_inside_the_story_are_removed() -> None:
    text = "The minister resigned on Tuesday.\nAdvertisement\nShare on Twitter\nParliament will meet on Friday."
    assert strip_boilerplate(text) == "The minister resigned on Tuesday.\nParliament will meet on Friday."


def test_prose_that_starts_like_furniture_stays() -> None:
    text = (
        "Comments made by the minister on Tuesday drew criticism from opposition leaders and unions alike.\n"
        f"{STORY}\n"
        "Cookies baked by the mayor sold out at the charity fair, raising 2,000 euros for the shelter.\n"
        "Subscribe rates for the council's bulletin were cut by half, officials said on Monday afternoon.\n"
        "Related to the crisis, the central bank held rates steady as markets waited for the vote on Friday."
    )
    assert strip_boilerplate(text) == text


def test_a_section_word_early_in_the_text_does_not_cut_the_body() -> None:
    text = f"Comments\n{STORY}\n{STORY}"
    assert strip_boilerplate(text) == f"{STORY}\n{STORY}"
