"""The rules cache: a run with unchanged rules reads the stored RuleSet; an edited, damaged or broken
rule file is never answered from it, and the reports are those of a run without it."""

from __future__ import annotations

import pickle
from types import SimpleNamespace

import pytest
import re2
from hypothesis import given
from hypothesis import strategies as st

from provenance import accelerator, outlets, pipeline, rulecache
from provenance.analyzers import on_demand_tags
from provenance.cli import main
from provenance.config import Settings
from provenance.document import Document
from provenance.engine import DEFAULT_ENGINE
from provenance.prescan import PatternSet, match_start, option_values, re2_options, regexp_reduction
from provenance.renderers.jsonout import render_line
from provenance.rulecache import RULES_CACHE_FILE, load_rules_cached
from provenance.rulepack import RuleLoadError, RuleSet, load_rules
from provenance.sources import read_documents

from conftest import ROOT
from test_rule_errors import PACK, rule_folder, signature
from test_runner import run

CORPUS = ROOT / "corpus"


@pytest.fixture
def spy(monkeypatch):
    """Count the rule sets built from the files (not answered from the cache)."""
    built = []

    def counting_load_rules(**kwargs):
        built.append(kwargs)
        return load_rules(**kwargs)

    monkeypatch.setattr(rulecache, "load_rules", counting_load_rules)
    return built


def user_rules(tmp_path, phrase="Read more"):
    return rule_folder(tmp_path, **{"user.toml": PACK + signature(phrases=f'["{phrase}"]',
                                                                   **{"examples.match": f'["{phrase}"]'})})


def test_a_second_load_answers_from_the_cache(tmp_path, spy):
    first = load_rules_cached(tmp_path / "cache")
    second = load_rules_cached(tmp_path / "cache")
    assert len(spy) == 1 and (tmp_path / "cache" / RULES_CACHE_FILE).is_file()
    assert second.digest == first.digest
    assert [s.rule for s in second.signatures] == [s.rule for s in first.signatures]
    assert [s.regex.pattern for s in second.signatures] == [s.regex.pattern for s in first.signatures]
    assert (second.outlets, second.ratings, second.lexicons) == (first.outlets, first.ratings, first.lexicons)


def test_editing_a_rule_file_invalidates_the_cache(tmp_path, spy):
    folder = user_rules(tmp_path)
    load_rules_cached(tmp_path / "cache", extra_dirs=[folder])
    user_rules(tmp_path, phrase="Keep reading")
    rules = load_rules_cached(tmp_path / "cache", extra_dirs=[folder])
    assert len(spy) == 2
    assert rules.rule("ZZ001").phrases == ["Keep reading"]


def test_the_rule_folders_and_choices_are_part_of_the_key(tmp_path, spy):
    cache = tmp_path / "cache"
    first = load_rules_cached(cache).signatures[0].rule.id
    assert len(load_rules_cached(cache, disabled=[first]).signatures) == len(load_rules().signatures) - 1
    load_rules_cached(cache, extra_dirs=[user_rules(tmp_path)])
    assert len(spy) == 3


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps(("stale", "not a rule set")),
                                    pickle.dumps(["no", "key", "here"])])
def test_a_damaged_cache_file_is_rebuilt(tmp_path, spy, damage):
    cache = tmp_path / "cache"
    reference = load_rules_cached(cache)
    (cache / RULES_CACHE_FILE).write_bytes(damage)
    assert load_rules_cached(cache).digest == reference.digest
    assert len(spy) == 2
    load_rules_cached(cache)
    assert len(spy) == 2  # the rebuilt file answers the next run


def test_a_stale_key_is_not_answered(tmp_path, spy, monkeypatch):
    cache = tmp_path / "cache"
    load_rules_cached(cache)
    monkeypatch.setattr(rulecache, "code_digest", lambda: "another version of the tool")
    load_rules_cached(cache)
    assert len(spy) == 2


@pytest.mark.parametrize("library", ["regex", "pydantic"])
def test_a_cache_written_under_another_version_of_a_pickled_library_is_not_answered(tmp_path, spy, monkeypatch, library):
    cache = tmp_path / "cache"
    load_rules_cached(cache)
    monkeypatch.setattr(rulecache, library, SimpleNamespace(__version__="0", VERSION="0"))
    load_rules_cached(cache)
    assert len(spy) == 2


@pytest.mark.parametrize("library", rulecache.KEYED_DISTRIBUTIONS)
def test_a_cache_written_under_another_version_of_a_library_shaping_the_structures_is_not_answered(
        tmp_path, spy, monkeypatch, library):
    cache = tmp_path / "cache"
    load_rules_cached(cache)
    installed = rulecache.metadata.version
    monkeypatch.setattr(rulecache.metadata, "version", lambda name: "0" if name == library else installed(name))
    load_rules_cached(cache)
    assert len(spy) == 2


def test_rule_errors_are_reported_and_never_cached(tmp_path):
    folder = rule_folder(tmp_path, **{"bad.toml": PACK + signature(patterns='["("]', phrases=None)})
    with pytest.raises(RuleLoadError) as raised:
        load_rules_cached(tmp_path / "cache", extra_dirs=[folder])
    with pytest.raises(RuleLoadError) as again:
        load_rules_cached(tmp_path / "cache", extra_dirs=[folder])
    assert again.value.problems == raised.value.problems
    assert any("bad.toml: signature[0] (ZZ001).patterns[0]: invalid regex" in p for p in raised.value.problems)


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path, spy):
    blocker = tmp_path / "file"
    blocker.write_text("in the way", encoding="utf-8")
    assert load_rules_cached(blocker).digest == load_rules().digest
    assert load_rules_cached(None).digest == load_rules().digest
    assert len(spy) == 2


def test_reports_with_a_warm_rules_cache_are_those_without_it(tmp_path):
    reference = run("check", str(CORPUS), "--format", "jsonl", "--no-cache")
    cache = tmp_path / "cache"
    cold = run("check", str(CORPUS), "--format", "jsonl", "--cache-dir", str(cache))
    (cache / "results.sqlite3").unlink()
    warm = run("check", str(CORPUS), "--format", "jsonl", "--cache-dir", str(cache))
    assert (cache / RULES_CACHE_FILE).is_file()
    assert cold.stdout == warm.stdout == reference.stdout
    assert cold.returncode == warm.returncode == reference.returncode


def test_no_cache_leaves_no_rules_cache(tmp_path):
    cache = tmp_path / "cache"
    run("check", str(CORPUS), "--format", "jsonl", "--no-cache", "--cache-dir", str(cache))
    assert not (cache / RULES_CACHE_FILE).exists()


def test_a_warm_run_builds_no_rule_structures(tmp_path, monkeypatch, capsys):
    """Every report comes from the result cache: the engine, outlet index and relay finder (most of
    a small run's start-up) are never built, on one core or more."""
    cache = tmp_path / "cache"
    args = ["check", str(CORPUS), "--format", "jsonl", "--cache-dir", str(cache), "--jobs", "2"]
    main(args)
    cold = capsys.readouterr().out
    built = []
    monkeypatch.setattr(RuleSet, "memo", lambda self, key, build, kept=False: built.append(key) or build(self))
    main(args)
    assert capsys.readouterr().out == cold
    assert built == []


# --- the structures kept with the rules ---------------------------------------------------------------

TEXTS = [
    "Garden tips for a dry summer\nBy Ann Example | The Example Gazette\nMarch 3, 2021\n\n"
    '"Water early," said the gardener, according to Example News.\nSource link\nViews: 0',
    "LONDON (Example Wire) - Officials said on Tuesday the bridge would reopen.\n© 2021 Example Wire\n"
    "Read more on exampleblog.com\nShare this:\nTwitter\nFacebook",
]


def _prepared(rules: RuleSet) -> None:
    pipeline.prepare(rules, Settings())


def _fail(_rules):
    raise AssertionError("built again, not restored from the rules cache")


def test_a_check_keeps_the_outlet_index_and_engines_with_the_rules(tmp_path, monkeypatch):
    """Read from the cache, a rule set takes the structures stored with it the first time one is asked
    for, holding its own rule objects (not copies), instead of building them."""
    cache = tmp_path / "cache"
    load_rules_cached(cache, derive=_prepared)
    rules = load_rules_cached(cache)
    assert rules._memo == {}  # nothing is read before a document needs it
    monkeypatch.setattr(outlets, "build_index", _fail)
    index = outlets.outlet_index(rules)
    engine = rules.memo(f"engine:{DEFAULT_ENGINE}", _fail)
    assert all(index.by_id[p.id] is p for p in rules.outlets)
    assert all(a is b for a, b in zip(engine.signatures, [s for s in rules.signatures if not s.rule.on_demand],
                                        strict=True))
    for tag in on_demand_tags(rules):
        assert rules.memo(f"on-demand-engine:{tag}:{DEFAULT_ENGINE}", _fail).signatures


def test_reports_with_kept_structures_are_those_without_them(tmp_path):
    cache = tmp_path / "cache"
    load_rules_cached(cache, derive=_prepared)
    restored, fresh = load_rules_cached(cache), load_rules()
    docs = [Document(id=f"t{n}", path="t", text=text) for n, text in enumerate(TEXTS)]
    docs += [d for d in read_documents([CORPUS]) if isinstance(d, Document)]
    settings = Settings()
    assert ([render_line(r) for r in pipeline.check_documents(docs, restored, settings)]
            == [render_line(r) for r in pipeline.check_documents(docs, fresh, settings)])


def test_the_kept_structures_are_the_same_whatever_the_process(monkeypatch):
    """``kept`` means a function of the rules alone: built with the C accelerator or without it, the
    structures pickle to the same bytes, so a cache written by one run serves any other."""
    with_accelerator = load_rules()
    _prepared(with_accelerator)
    monkeypatch.setattr(accelerator, "fastpage", None)
    without = load_rules()
    _prepared(without)
    assert with_accelerator.kept_structures().keys() == without.kept_structures().keys()
    data = rulecache._pickled_structures(with_accelerator)
    assert data is not None and data == rulecache._pickled_structures(without)


def test_damaged_structures_are_built_again(tmp_path):
    cache = tmp_path / "cache"
    load_rules_cached(cache, derive=_prepared)
    file = cache / RULES_CACHE_FILE
    key, rules, structures = pickle.loads(file.read_bytes())
    file.write_bytes(pickle.dumps((key, rules, structures[: len(structures) // 2])))
    damaged = load_rules_cached(cache)
    assert outlets.outlet_index(damaged).by_id.keys() == {p.id for p in damaged.outlets}


def test_a_structure_that_does_not_pickle_leaves_the_rules_cached(tmp_path, spy):
    cache = tmp_path / "cache"
    load_rules_cached(cache, derive=lambda rules: rules.memo("unpicklable", lambda r: (lambda: None), kept=True))
    key, rules, structures = pickle.loads((cache / RULES_CACHE_FILE).read_bytes())
    assert structures is None and isinstance(rules, RuleSet)
    load_rules_cached(cache)
    assert len(spy) == 1


PATTERNS = [r"\bsource link\b", r"(?i)views:\s*\d+", r"^[A-Z][a-z]+ \d{4}$", "é+", r"\A"]


@given(st.text(alphabet="SsourceLinkVIEWS: 0123é\nAbc", max_size=60))
def test_re2_objects_pickle_as_what_compiles_them_again(text):
    data = text.encode()
    found = PatternSet(PATTERNS, re2_options(1 << 20))
    again = pickle.loads(pickle.dumps(found))
    assert (again.patterns, again.values) == (found.patterns, found.values)
    assert again.Match(data) == found.Match(data)
    for pattern in PATTERNS:
        regexp = re2.compile(pattern, re2_options(1 << 20))
        rebuild, args = regexp_reduction(regexp)
        copy = rebuild(*args)
        assert (copy.pattern, option_values(copy.options)) == (regexp.pattern, option_values(regexp.options))
        assert match_start(copy, data, 0, len(data)) == match_start(regexp, data, 0, len(data))
