"""Support scoring's parts, against cases computed by hand."""

from __future__ import annotations

import pytest

from qa.answer.support import content_words, misbound_numbers, negated, numbers
from qa.answer.verify import answer_sentences, is_refusal, split_markers

SOURCE = (
    "The Ukrainian air force reported that Russia fired a total of 550 drones and missiles during the assault, "
    "including 11 missiles and hundreds of Shahed drones."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("550 drones and 11 missiles", {550.0, 11.0}),
        ("more than 1,200 ships and a 4.5 percent rise", {1200.0, 4.5}),
        ("seven hours and twelve kilometres", {7.0, 12.0}),
        ("no numbers here", set()),
        ("COVID-19 and F-16s", set()),
    ],
)
def test_numbers(text: str, expected: set[float]) -> None:
    assert numbers(text) == expected


@pytest.mark.parametrize(
    ("claim", "wrong"),
    [
        ("Russia fired 11 Shahed drones.", (11.0,)),  # 11 counts missiles in the source
        ("Russia fired 11 missiles.", ()),
        ("Russia fired 550 drones and missiles.", ()),
        ("There were 550 attacks.", (550.0,)),
        # 550 counts drones and missiles together: not a count of missiles (the 0.5B model wrote this once).
        ("550 missiles were part of the assault.", (550.0,)),
    ],
)
def test_numbers_must_count_the_same_thing(claim: str, wrong: tuple[float, ...]) -> None:
    assert misbound_numbers(claim, SOURCE) == wrong


def test_negation_and_content_words() -> None:
    assert negated("The White House has not yet commented on the call.")
    assert negated("Nobody was hurt") and negated("It didn’t stop")
    assert not negated("The White House commented on the call.")
    assert content_words("The drones were shot down by the air force") == {"drone", "shot", "down", "air", "forc"}


def test_markers_are_split_from_the_sentence() -> None:
    assert split_markers("Russia fired 550 drones [1][3].") == ("Russia fired 550 drones.", (1, 3))
    assert split_markers("It lasted seven hours [2, 1].") == ("It lasted seven hours.", (2, 1))
    assert split_markers("No markers.") == ("No markers.", ())


def test_answer_sentences_keep_markers_written_after_the_full_stop() -> None:
    text = "Russia fired 550 drones. [1] Ukraine shot down 270. [2]"
    assert list(answer_sentences(text)) == ["Russia fired 550 drones [1].", "Ukraine shot down 270 [2]."]


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("NOT IN THE ARTICLES.", True),
        ("The sources do not mention the cost of the damage.", True),
        ("There is no information about that.", True),
        ("Russia fired 550 drones.", False),
        ("The articles say that 14 people were hospitalized.", False),
    ],
)
def test_refusals_are_recognized(text: str, refusal: bool) -> None:
    assert is_refusal(text) is refusal


def test_superscripts_and_fractions_are_text_not_numbers_that_crash() -> None:
    # Found by fuzzing the HTTP API: "²¼" is alphanumeric but not a decimal number.
    source = "The plan covers 2,000 homes and ¼ of the district (note ²¼); ٣ schools reopened."
    assert misbound_numbers("It covers 2,000 homes.", source) == ()
    assert misbound_numbers("It covers 2,000 schools.", source) == (2000.0,)
    assert misbound_numbers("²¼ of the district", source) == ()  # no number in the claim, and no crash
    assert 3.0 in numbers(source)  # an Arabic-Indic digit is a number
