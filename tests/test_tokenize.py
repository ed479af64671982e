"""The one tokenizer: sentences, word tokens, normalisation and filters, checked by hand."""

from __future__ import annotations

import pytest

from textkit.errors import UsageError
from textkit.tokenize import Analyzer, AnalyzerOptions, split_sentences, tokenize, words


def test_abbreviations_do_not_end_sentences():
    """U.S., D.P.R.K., U.N., Jan., Dr. and Mr. do not end a sentence."""
    text = "Hello world. The U.S. and the D.P.R.K. met on Jan. 5. Dr. Kim and Mr. Ri spoke at the U.N. in New York."
    assert split_sentences(text) == [
        "Hello world.",
        "The U.S. and the D.P.R.K. met on Jan. 5.",
        "Dr. Kim and Mr. Ri spoke at the U.N. in New York.",
    ]


def test_blank_line_always_ends_a_sentence():
    """A paragraph break ends a sentence even without punctuation."""
    assert split_sentences("A headline without a period\n\nThe body starts here. It goes on.") == [
        "A headline without a period",
        "The body starts here.",
        "It goes on.",
    ]


def test_word_tokens_by_hand():
    """Hyphenated compounds whole, initialisms without the final period, possessives, punctuation never a word."""
    text = "The DPRK-Vietnam ties, socio-economic plans of the U.S. and the Workers’ Party; People's isn't 1,000 (3.5%)!"
    assert tokenize(text) == [
        "the", "dprk-vietnam", "ties", "socio-economic", "plans", "of", "the", "u.s",
        "and", "the", "workers", "party", "people's", "isn't", "1,000", "3.5",
    ]


def test_raw_words_keep_case():
    """words() gives the raw surface forms."""
    assert words("D.P.R.K. Kim’s") == ["D.P.R.K", "Kim's".replace("'", "’")]


def test_english_stopwords_keep_content_words():
    """The shipped list is function words only: un, us and system stay."""
    opts = AnalyzerOptions(stopwords="english")
    assert tokenize("The UN and the US system of the party", opts) == ["un", "us", "system", "party"]


def test_compound_makes_one_token_possessive_included():
    """--compound 'kim jong un' makes one token, also before a possessive."""
    opts = AnalyzerOptions(compounds=("kim jong un",))
    assert tokenize("Kim Jong Un met Kim Jong Un's aides and Kim Jong Il.", opts) == [
        "kim jong un", "met", "kim jong un", "aides", "and", "kim", "jong", "il",
    ]


def test_corpus_size_counts_all_word_tokens():
    """Stop words and min-length leave the stream (the corpus size) untouched."""
    analyzer = Analyzer(AnalyzerOptions(stopwords="english", min_length=4))
    tt = analyzer.analyze("The leader of the party visited a farm.")
    assert len(tt.tokens) == 8
    assert [t for t in tt.tokens if analyzer.listed(t)] == ["leader", "party", "visited", "farm"]


def test_no_numbers_and_min_length():
    """--no-numbers drops tokens without a letter; --min-length short ones."""
    opts = AnalyzerOptions(no_numbers=True, min_length=3)
    assert tokenize("In 2011 the 3rd plan of 1,000 units", opts) == ["the", "3rd", "plan", "units"]


def test_offsets_point_back_to_the_text():
    """Token and sentence offsets recover the original characters."""
    text = "Kim Jong Il's visit. The U.S. fled."
    tt = Analyzer().analyze(text)
    spans = [text[tt.offsets[2 * i] : tt.offsets[2 * i + 1]] for i in range(len(tt.tokens))]
    assert spans == ["Kim", "Jong", "Il's", "visit", "The", "U.S", "fled"]
    assert [tt.sentence_text(text, i) for i in range(tt.n_sentences)] == ["Kim Jong Il's visit.", "The U.S. fled."]
    assert list(tt.bounds) == [0, 4, 7]


def test_stem_and_lemmatize():
    """Porter stems and simplemma lemmas apply to every token, stop words matched after the same reduction."""
    assert tokenize("The imperialists were attacking", AnalyzerOptions(stem="porter")) == ["the", "imperialist", "were", "attack"]
    assert tokenize("The children were running", AnalyzerOptions(lemmatize=True)) == ["the", "child", "be", "run"]
    assert tokenize("The children were running", AnalyzerOptions(lemmatize=True, stopwords="english")) == ["child", "run"]


def test_no_lowercase_keeps_case_and_stopwords_still_match():
    """--no-lowercase keeps case; stop words still match case-insensitively."""
    assert tokenize("The DPRK and The US", AnalyzerOptions(lowercase=False, stopwords="english")) == ["DPRK", "US"]


def test_unknown_stemmer_and_stopword_file():
    """Bad options are usage errors."""
    with pytest.raises(UsageError):
        AnalyzerOptions(stem="lancaster")
    with pytest.raises(UsageError):
        Analyzer(AnalyzerOptions(stopwords="/no/such/file.txt"))


def test_stopword_file(tmp_path):
    """A stop-word file has one word a line, with comments."""
    f = tmp_path / "stop.txt"
    f.write_text("# mine\nparty\nKorea\n", encoding="utf-8")
    assert tokenize("The Party of Korea", AnalyzerOptions(stopwords=str(f))) == ["the", "of"]
