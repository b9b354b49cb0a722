"""Settings found upward from the checked path, flags over settings, user rule folders over shipped rules."""

from __future__ import annotations

import shutil

import pytest

from provenance.config import ConfigError, load_settings
from provenance.rulepack import load_rules

from conftest import CORPUS


def test_pyproject_settings_found_upward(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.provenance]\nthreshold = 77\nrules = ['my-rules']\n", encoding="utf-8")
    (tmp_path / "data" / "deep").mkdir(parents=True)
    settings = load_settings(tmp_path / "data" / "deep")
    assert settings.threshold == 77
    assert settings.rules == [str((tmp_path / "my-rules").resolve())]


def test_provenance_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.provenance]\nthreshold = 10\n", encoding="utf-8")
    (tmp_path / "provenance.toml").write_text("threshold = 20\n", encoding="utf-8")
    assert load_settings(tmp_path).threshold == 20


def test_bad_setting_names_file_and_key(tmp_path):
    (tmp_path / "provenance.toml").write_text("threshold = 'high'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"provenance\.toml: threshold"):
        load_settings(tmp_path)


@pytest.mark.parametrize(("data", "problem"), [
    (b"threshold = 5\xff\n", "not valid UTF-8 (byte 13)"),
    (b"x = " + b"[" * 50_000 + b"]" * 50_000, "nested deeper than Python's parser can read"),
])
def test_an_unreadable_settings_file_is_a_settings_error_naming_it(tmp_path, data, problem):
    (tmp_path / "provenance.toml").write_bytes(data)
    with pytest.raises(ConfigError, match="cannot read settings") as exc:
        load_settings(tmp_path)
    assert str(exc.value) == f"{tmp_path / 'provenance.toml'}: cannot read settings: {problem}"


def test_user_rule_replaces_shipped_rule_with_same_id(tmp_path):
    (tmp_path / "mine.toml").write_text(
        '[pack]\nname = "mine"\ndescription = "d"\n[[signature]]\nid = "RS010"\nname = "back-to-top-strict"\n'
        'dimension = "residue"\nmessage = "m"\nphrases = ["Back to top button"]\nwhole_line = true\n'
        'examples.match = ["Back to top button"]\nexamples.no_match = ["Back to top"]\n', encoding="utf-8")
    rules = load_rules(extra_dirs=[tmp_path])
    assert rules.rule("RS010").name == "back-to-top-strict"
    assert rules.origins["RS010"].endswith("mine.toml")


def test_threshold_flag_overrides_settings(tmp_path):
    from provenance.cli import main
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (tmp_path / "provenance.toml").write_text("threshold = 0\n", encoding="utf-8")
    assert main(["check", str(corpus), "--format", "json", "--output", str(tmp_path / "r.json")]) == 0
    assert main(["check", str(corpus), "--format", "json", "--output", str(tmp_path / "r.json"), "--threshold", "100"]) == 1


def check_errors(*args: str, capsys) -> tuple[int, str, list[str]]:
    """``provenance check`` over the seed corpus: (exit code, stdout, stderr's lines)."""
    from provenance.cli import main
    capsys.readouterr()
    code = main(["check", str(CORPUS), "--quiet", *args])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


@pytest.mark.parametrize("option", ["--enable", "--disable"])
def test_an_unknown_rule_id_flag_is_a_settings_error_naming_the_flag(option, capsys):
    code, out, err = check_errors(option, "RS010", option, "XX001", capsys=capsys)
    assert (code, out, err) == (2, "", [f"provenance: settings error: {option}: unknown rule XX001"])


@pytest.mark.parametrize("key", ["enable", "disable"])
def test_an_unknown_rule_id_setting_names_the_file_and_key(key, tmp_path, capsys):
    settings = tmp_path / "provenance.toml"
    settings.write_text(f'{key} = ["RS010", "XX001", "XX002"]\n', encoding="utf-8")
    code, out, err = check_errors("--config", str(settings), capsys=capsys)
    assert (code, out) == (2, "")
    assert err == [f"provenance: settings error: {settings}: {key}: unknown rule {rule}" for rule in ("XX001", "XX002")]


@pytest.mark.parametrize("name", ["RS", "RS01", "rs010", "state-controlled"])
def test_enable_and_disable_take_whole_rule_ids_not_prefixes_or_flags(name, capsys):
    code, _, err = check_errors("--disable", name, capsys=capsys)
    assert code == 2 and err == [f"provenance: settings error: --disable: unknown rule {name}"]


def test_a_rule_of_a_user_folder_can_be_enabled(tmp_path, capsys):
    (tmp_path / "mine.toml").write_text(
        '[pack]\nname = "mine"\ndescription = "d"\n[[signature]]\nid = "MY001"\nname = "my-footer"\n'
        'dimension = "residue"\nmessage = "m"\nphrases = ["Back to top button"]\nwhole_line = true\n'
        'examples.match = ["Back to top button"]\nexamples.no_match = ["Back to top"]\n', encoding="utf-8")
    code, _, err = check_errors("--rules", str(tmp_path), "--enable", "MY001", "--threshold", "0", capsys=capsys)
    assert code == 0 and err == []


@pytest.mark.parametrize(("data", "key"), [
    ("threshold = 150\n", "threshold"),
    ("threshold = -1\n", "threshold"),
    ("fail_under = { residue = -5 }\n", "fail_under.residue"),
    ("fail_under = { provenance = 101 }\n", "fail_under.provenance"),
])
def test_a_score_setting_outside_0_to_100_names_the_file_and_key(tmp_path, data, key):
    (tmp_path / "provenance.toml").write_text(data, encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{tmp_path / 'provenance.toml'}: {key}: Input should be"):
        load_settings(tmp_path)


@pytest.mark.parametrize(("args", "flag"), [
    (["check", "--threshold", "150"], "--threshold/--fail-under"),
    (["check", "--fail-under", "-0.5"], "--threshold/--fail-under"),
    (["check", "--fail-under-residue", "-5"], "--fail-under-residue"),
    (["check", "--fail-under-provenance", "100.5"], "--fail-under-provenance"),
    (["check", "--fail-under-attribution", "nan"], "--fail-under-attribution"),
    (["show", "--threshold", "inf"], "--threshold/--fail-under"),
])
def test_a_score_flag_outside_0_to_100_is_a_usage_error_naming_the_flag(args, flag, capsys):
    from provenance.cli import main
    with pytest.raises(SystemExit) as exc:
        main([args[0], str(CORPUS), *args[1:]])
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"provenance {args[0]}: error: argument {flag}: {args[-1]!r} is not a score (0 to 100)")


@pytest.mark.parametrize("value", ["0", "100", "62.5"])
def test_a_score_flag_takes_0_to_100(value, tmp_path):
    from provenance.cli import main
    assert main(["check", str(CORPUS), "--threshold", value, "--fail-under-residue", value,
                 "--format", "json", "--output", str(tmp_path / "r.json")]) in (0, 1)
