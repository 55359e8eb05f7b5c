from dataclasses import dataclass

import pytest

from amtsbote.intake.split import split


@dataclass
class Page:
    is_separator: bool = False
    cover_payload: str = ""


P, S, C = Page(), Page(is_separator=True), Page(cover_payload="AMTSBOTE:96201BG0012345")


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ([], []),
        ([P], [(0, 0)]),
        ([P, P, P], [(0, 2)]),
        ([P, S, P, P], [(0, 0), (2, 3)]),
        ([S, P, S, S, P, S], [(1, 1), (4, 4)]),
        ([S, S], []),
        ([C, P, C, P, P], [(0, 1), (2, 4)]),
        ([P, C, P], [(0, 0), (1, 2)]),
        ([P, S, C, P, S, P], [(0, 0), (2, 3), (5, 5)]),
        ([C, C], [(0, 0), (1, 1)]),
    ],
)
def test_split(pages, expected):
    assert split(pages) == expected
