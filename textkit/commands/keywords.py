"""``textkit keywords``."""

from __future__ import annotations

import click

from ..cliutil import (
    CONTEXT_SETTINGS,
    Progress,
    analyzer_options_from,
    corpus_from,
    corpus_options,
    emit,
    jobs_option,
    output_options,
    paths_argument,
    report_stats,
    tokenizer_options,
    warn,
)


class DocFrequency(click.ParamType):
    """scikit-learn's min_df/max_df: an integer counts documents, a float is a proportion."""

    name = "INT|FLOAT"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        try:
            if any(ch in text for ch in ".eE"):
                number = float(text)
                if not 0.0 <= number <= 1.0:
                    self.fail(f"{text}: a proportion must lie in [0.0, 1.0]", param, ctx)
                return number
            number = int(text)
        except ValueError:
            self.fail(f"{text!r} is neither an integer (documents) nor a float (a proportion)", param, ctx)
        if number < 0:
            self.fail(f"{text}: a document count cannot be negative", param, ctx)
        return number


@click.command(context_settings=CONTEXT_SETTINGS)
@paths_argument
@click.option("--per-doc", is_flag=True, help="The top terms of each document (rows id, title, rank, term, score).")
@click.option("--by", metavar="FIELD", help="Keywords of each group (year, month, source, any field): each group weighed as one document.")
@click.option("--ngram-range", nargs=2, type=click.IntRange(min=1), default=(1, 1), show_default=True, metavar="MIN MAX", help="Terms of MIN to MAX consecutive listed words (within a sentence).")
@click.option("--min-df", type=DocFrequency(), default=1, show_default=True, help="Leave out terms in fewer documents (an integer) or a smaller share of them (a float, e.g. 0.01).")
@click.option("--max-df", type=DocFrequency(), default=1.0, show_default=True, help="Leave out terms in more documents (an integer) or a larger share of them (a float, e.g. 0.5).")
@click.option("--sublinear-tf", is_flag=True, help="Use 1 + ln(tf) instead of tf.")
@click.option("--no-smooth-idf", "no_smooth_idf", is_flag=True, help="idf = ln(n/df) + 1 instead of ln((1+n)/(1+df)) + 1.")
@click.option("--norm", type=click.Choice(["l2", "l1", "none"]), default="l2", show_default=True, help="Normalise each document's weights.")
@corpus_options
@tokenizer_options(default_stopwords="english")
@output_options(default_top=10)
@jobs_option
def keywords(paths, per_doc, by, ngram_range, min_df, max_df, sublinear_tf, no_smooth_idf, norm, fmt, top, jobs, **kw):
    """TF-IDF keywords of the corpus, of each document (--per-doc) or group (--by).

    Weights are scikit-learn's (TfidfTransformer) on textkit's tokens: tf x
    idf with idf = ln((1+n)/(1+df)) + 1, each document's vector scaled to
    length 1. Without --per-doc or --by, one row per term: its mean weight
    over all documents (score), its highest weight (max_score) and the number
    of documents containing it (docs). --top N applies per document or group.
    English stop words are left out unless --stopwords none.

    \b
    Examples:
      textkit keywords
      textkit keywords --per-doc --top 5 ../shared/corpora/kcna-2011.jsonl
      textkit keywords --by month --top 5 --max-df 0.5 ../shared/corpora/kcna-2011.jsonl
      textkit keywords --ngram-range 2 3 --min-df 5 --max-df 0.5
    """
    from ..keywords import BY_COLUMNS, KEYWORDS_COLUMNS, PER_DOC_COLUMNS
    from ..keywords import keywords as keywords_core

    corpus = corpus_from(kw, paths)
    options = analyzer_options_from(kw)
    with Progress("weighing") as progress:
        rows = keywords_core(
            corpus,
            options,
            per_doc=per_doc,
            by=by,
            top=top,
            ngram_range=tuple(ngram_range),
            min_df=min_df,
            max_df=max_df,
            sublinear_tf=sublinear_tf,
            smooth_idf=not no_smooth_idf,
            norm=norm,
            jobs=jobs,
            progress=progress,
            warn=warn,
        )
    columns = PER_DOC_COLUMNS if per_doc else BY_COLUMNS if by else KEYWORDS_COLUMNS
    emit(rows, columns, fmt)
    report_stats(corpus)
