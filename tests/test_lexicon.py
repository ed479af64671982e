"""Lexicons: every file format, every error message, the built-ins and `textkit lexicons`."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from textkit.errors import InputError, UsageError
from textkit.lexicon import (
    builtin_lexicons,
    builtin_names,
    get_lexicon,
    lexicon_categories,
    load_lexicon,
    snake_case,
)

from .conftest import invoke, invoke_json

LEX = Path(__file__).resolve().parent / "data" / "lexicons"
STATE_MEDIA_CATEGORIES = [
    "reverence", "praise_achievement", "grief_mourning", "hostility",
    "solidarity", "mobilization", "military_threat",
]


def test_yaml_weights_mapping_and_list_items():
    """YAML weights: a mapping of entry to weight, or {entry: weight} items beside plain entries."""
    lex = load_lexicon(LEX / "weighted.yaml")
    assert lex.weighted and lex.name == "weighted"
    assert lex.categories == {
        "hostility": {"puppet regime": -3.0, "regime": -1.0, "imperialis*": -2.0, "puppet*": -1.5},
        "grief": {"mourn*": 1.0, "deep sorrow": 2.0, "sorrow": 1.0, "death": 0.5},
    }
    assert load_lexicon(LEX / "weighted.csv").categories == lex.categories


def test_dic_with_spaces_and_phrases(tmp_path):
    """A .dic separated by spaces still reads phrases: the trailing numbers are the category ids."""
    f = tmp_path / "s.dic"
    f.write_text("%\n1 grief\n2 leader\n%\ndeep sorrow 1\ndear leader 1 2\nmourn* 1\n", encoding="utf-8")
    lex = load_lexicon(f)
    assert lex.categories == {"grief": {"deep sorrow": 1.0, "dear leader": 1.0, "mourn*": 1.0},
                              "leader": {"dear leader": 1.0}}


def test_tsv_and_csv_header(tmp_path):
    """TSV rows and a CSV header row (entry,category,weight) are read; '#' lines are skipped."""
    f = tmp_path / "l.tsv"
    f.write_text("# comment\nmourning\tgrief\t2\n\nsorrow\tgrief\n", encoding="utf-8")
    assert load_lexicon(f).categories == {"grief": {"mourning": 2.0, "sorrow": 1.0}}
    g = tmp_path / "l.csv"
    g.write_text("term,category,weight\nmourning,grief,2\n", encoding="utf-8")
    assert load_lexicon(g).categories == {"grief": {"mourning": 2.0}}


@pytest.mark.parametrize("name, content, message", [
    ("a.yaml", "grief: [mourning, sorrow\nhostility: [x]\n", "a.yaml line 2: not valid YAML"),
    ("b.yaml", "- mourning\n- sorrow\n", "b.yaml: expected a mapping of category to entries"),
    ("c.yaml", "grief:\n  - mourning\n  - deep sor*row\n", "c.yaml line 3: entry 'deep sor*row': '*' is allowed only at the end of a word"),
    ("d.yaml", "grief:\n  mourning: heavy\n", "d.yaml line 2: weight 'heavy' is not a number"),
    ("e.yaml", "grief: [mourning]\ngrief: [sorrow]\n", "e.yaml line 2: category 'grief' is given twice"),
    ("f.yaml", "grief: mourning\n", "f.yaml line 1: category 'grief': expected a list of entries or a mapping of entry to weight"),
    ("g.yaml", "grief:\n  - [a, b]\n", "g.yaml line 2: expected an entry or {entry: weight}"),
    ("h.yaml", "grief:\n  - mourning: 1\n  - mourning: 2\n", "h.yaml line 3: entry 'mourning' is given twice in category 'grief' with different weights (1 and 2)"),
    ("i.yaml", "# nothing\n", "i.yaml: expected a mapping of category to entries"),
    ("j.yaml", "grief:\n  - ''\n", "j.yaml line 2: empty entry"),
    ("k.json", '{"grief": ["mourning", ]}', "k.json line 1: not valid JSON"),
    ("l.json", '{\n  "grief": {\n    "mourning": "x"\n  }\n}', "l.json line 3: weight 'x' is not a number"),
    ("m.json", "[1, 2]", "m.json: expected a mapping of category to entries"),
    ("n.dic", "mourning\t1\n", "n.dic line 1: expected '%' to open the category header (LIWC .dic format)"),
    ("o.dic", "%\n1\tgrief\n", "o.dic: missing the closing % of the category header"),
    ("p.dic", "%\n1\tgrief\nmourning\t1\n", "p.dic line 3: missing the closing % of the category header"),
    ("q.dic", "%\n1\tgrief\n%\nmourning\t1\nregime\t7\n", "q.dic line 5: unknown category id 7"),
    ("r.dic", "%\nx\tgrief\n%\n", "r.dic line 2: category id 'x' is not a number"),
    ("s.dic", "%\n1\tgrief\n1\tloss\n%\n", "s.dic line 3: category id 1 is given twice"),
    ("t.dic", "%\n1\tgrief\n%\nkind\t<of>131/125\n", "t.dic line 4: '<of>131/125' is not a category id (LIWC2007 conditional entries are not supported)"),
    ("u.dic", "%\n1\tgrief\n%\nmourning\n", "u.dic line 4: entry 'mourning' has no category id"),
    ("v.csv", "mourning,grief\nregime\n", "v.csv line 2: expected entry,category[,weight]"),
    ("w.csv", "mourning,grief,x\n", "w.csv line 1: weight 'x' is not a number"),
    ("x.csv", "mourning,grief,nan\n", "x.csv line 1: weight nan is not a finite number"),
    ("y.tsv", "mourning\n", "y.tsv line 1: expected entry<TAB>category[<TAB>weight]"),
    ("z.txt", "grief: [a]\n", "z.txt: unknown lexicon format '.txt'"),
    ("empty.yaml", "  \n", "empty.yaml: empty lexicon file"),
])
def test_broken_files_name_file_line_and_problem(tmp_path, name, content, message):
    """Each kind of broken lexicon file gives one line naming the file, the line and the problem."""
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_lexicon(f)
    text = str(err.value)
    assert text.startswith(str(tmp_path / message.split(":")[0].split(" line")[0]))
    assert message in text
    assert "\n" not in text


def test_missing_file_and_unknown_name(tmp_path):
    """A missing file is an input error; a name that is neither built-in nor a file lists the built-ins."""
    with pytest.raises(InputError, match="no such file"):
        load_lexicon(tmp_path / "none.yaml")
    with pytest.raises(UsageError, match=r"not a built-in lexicon \(state-media, vader\)"):
        get_lexicon("no-such-lexicon")


def test_snake_case():
    """Category names become snake_case column names."""
    assert snake_case("Grief & Mourning") == "grief_mourning"
    assert snake_case("praiseAchievement") == "praise_achievement"
    assert snake_case("military-threat") == "military_threat"
    assert snake_case("  ") == "category"


def test_vader_builtin_uses_the_package_lexicon():
    """vader: positive/negative weighted by VADER's mean ratings; emoticons left out, phrases kept."""
    vader = get_lexicon("vader")
    assert list(vader.categories) == ["positive", "negative"] and vader.weighted
    assert vader.categories["positive"]["good"] == 1.9
    assert vader.categories["negative"]["bad"] == -2.5
    assert vader.categories["negative"]["can't stand"] == -2.0
    assert ":)" not in vader.categories["positive"] and "<3" not in vader.categories["positive"]
    text = (files("vaderSentiment") / "vader_lexicon.txt").read_text("utf-8")
    n_lines = len([x for x in text.splitlines() if x.strip()])
    assert n_lines == 7520
    # 254 emoticons and symbols left out, 10 tokens listed twice (the last rating wins, as in VADER)
    assert vader.left_out == 254 and vader.n_entries == n_lines - 254 - 10
    assert all(w > 0 for w in vader.categories["positive"].values())
    assert all(w < 0 for w in vader.categories["negative"].values())


def test_state_media_builtin():
    """state-media ships with the seven categories of the issue."""
    if "state-media" not in builtin_names():
        pytest.skip("textkit/data/lexicons/state-media.yaml is not there yet")
    lex = get_lexicon("state-media")
    assert list(lex.categories) == STATE_MEDIA_CATEGORIES
    assert lex.n_entries > 100


def test_builtin_lexicon_rows():
    """builtin_lexicons gives name, categories, entries, description for vader and state-media."""
    rows = builtin_lexicons()
    assert [r["name"] for r in rows] == builtin_names()
    vader = next(r for r in rows if r["name"] == "vader")
    assert vader["categories"] == ["positive", "negative"]
    assert vader["entries"] == 7256
    assert "254 emoticons" in vader["description"]
    assert all(list(r) == ["name", "categories", "entries", "description"] for r in rows)


def test_lexicon_categories_rows():
    """lexicon_categories lists a lexicon's categories; weighted ones show the heaviest entries first."""
    rows = lexicon_categories(str(LEX / "weighted.yaml"), examples=2)
    assert rows == [
        {"lexicon": "weighted", "category": "hostility", "entries": 4, "meaning": "",
         "examples": ["puppet regime", "imperialis*"]},
        {"lexicon": "weighted", "category": "grief", "entries": 4, "meaning": "",
         "examples": ["deep sorrow", "mourn*"]},
    ]


def test_lexicons_command(runner):
    """`textkit lexicons` lists the built-ins; with a name it lists that lexicon's categories."""
    rows = invoke_json(runner, ["lexicons"])
    assert {r["name"] for r in rows} >= {"vader"}
    rows = invoke_json(runner, ["lexicons", "vader"])
    assert [r["category"] for r in rows] == ["positive", "negative"]
    assert rows[0]["meaning"].startswith("tokens VADER's raters scored above 0")
    result = invoke(runner, ["lexicons", "nosuch"])
    assert result.exit_code == 2 and "not a built-in lexicon" in result.stderr
    rows = invoke_json(runner, ["lexicons", str(LEX / "small.dic")])
    assert [(r["category"], r["entries"]) for r in rows] == [
        ("hostility", 4), ("grief", 4), ("emotion", 2), ("leader", 1)]
