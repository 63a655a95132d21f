"""How a desk search reads (kcsac.domain.search)."""

import pytest

from kcsac.domain.search import SearchQuery, Term, parse_search


def _words(*groups: tuple[str, ...]) -> tuple[tuple[Term, ...], ...]:
    return tuple(tuple(Term((w,)) for w in group) for group in groups)


@pytest.mark.parametrize(
    ("typed", "must"),
    [
        ("car wash", _words(("car",), ("wash",))),
        ("car AND wash", _words(("car",), ("wash",))),
        ("  car   wash ", _words(("car",), ("wash",))),
        ("laundry OR car", _words(("laundry", "car"))),
        ("laundry OR car wash", _words(("laundry", "car"), ("wash",))),
        ("OR car", _words(("car",))),
        ("car OR", _words(("car",))),
        ("car or wash", _words(("car",), ("or",), ("wash",))),  # only capitals are OR
    ],
)
def test_words_must_all_match_and_or_joins_two(typed, must):
    assert parse_search(typed).must == must


def test_a_minus_leaves_out_a_word_or_a_phrase():
    found = parse_search('wash -car -"main st"')
    assert found.must == _words(("wash",))
    assert found.must_not == (Term(("car",)), Term(("main", "st"), phrase=True))


def test_a_phrase_keeps_its_words_in_order_even_unclosed():
    assert parse_search('"car wash"').must == ((Term(("car", "wash"), phrase=True),),)
    assert parse_search('"car wa').must == ((Term(("car", "wa"), phrase=True),),)


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("SAC-", ""),
        ("sac-2026-00", "2026 00"),
        ("SAC-2026-0001", "2026 0001"),
        ("zenith s", "zenith"),
        ("Sacramento", "Sacramento"),
        ("laundry OR sa", ""),  # the group matches every application
        ("car AND  wash", "car wash"),
        ('wash -car "main st"', 'wash "main st" -car'),
    ],
)
def test_words_every_number_has_narrow_nothing_and_are_dropped(typed, plain):
    assert str(parse_search(typed)) == plain


def test_nothing_typed_is_no_search():
    assert not parse_search("")
    assert not parse_search(' - " ')
    assert parse_search("-wash") == SearchQuery((), (Term(("wash",)),))
