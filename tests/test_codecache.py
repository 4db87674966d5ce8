"""The kept code of dataclasses (ikz_isms.codecache): the same classes, compiled once, never in the way."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import types
import typing

import pytest

from ikz_isms import codecache

# a module of its own, without ``from __future__ import annotations`` (as most libraries are):
# the generated __init__ must then carry real annotations, not strings
SOURCE = '''
import dataclasses
from dataclasses import InitVar, field
from typing import ClassVar


@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = ()


@dataclasses.dataclass
class Basket:
    owner: str
    items: list = field(default_factory=list)
    seen: int = field(default=0, init=False, repr=False)
    limit: ClassVar[int] = 3
    scale: InitVar[int] = 1

    def __post_init__(self, scale):
        self.seen = scale * 2


@dataclasses.dataclass(slots=True, kw_only=True)
class Slotted:
    a: int
    b: "str" = "b"


@dataclasses.dataclass(eq=False)
class Child(Basket):
    extra: float = 1.5
'''


def _module(name: str, source: str = SOURCE) -> dict:
    """``source`` run as the module ``name`` (dataclasses looks its module up in sys.modules)."""
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(source, f"<{name}>", "exec", dont_inherit=True), module.__dict__)
    finally:
        del sys.modules[name]
    return module.__dict__


def _functions(cls: type) -> dict[str, typing.Any]:
    """The functions dataclasses generated for ``cls`` (their code comes from ``<string>``)."""
    return {name: value for name, value in vars(cls).items()
            if callable(value) and getattr(getattr(value, "__code__", None), "co_filename", "") == "<string>"}


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """The cache installed, its file in tmp_path only, and the process's own state put back afterwards."""
    monkeypatch.setattr(codecache, "folders", lambda: [(str(tmp_path / "code"), True)])
    for name in ("_stored", "_codes", "_used"):
        monkeypatch.setattr(codecache, name, {})
    monkeypatch.setattr(codecache, "_state", {"installed": False, "loaded": False, "changed": set()})
    monkeypatch.setattr("atexit.register", lambda fn: fn)  # the test saves when it wants to
    was = getattr(dataclasses, "exec", None)
    codecache.install()
    yield tmp_path / "code" / codecache.file_name()
    codecache.uninstall()
    if was is not None:
        dataclasses.exec = was  # type: ignore[attr-defined]


def _reset_memory() -> None:
    codecache._stored.clear()
    codecache._codes.clear()
    codecache._used.clear()
    codecache._state.update(loaded=False, changed=set())


def test_classes_made_through_the_cache_are_the_classes_python_makes(kept):
    codecache.uninstall()
    plain = _module("probe_plain")
    codecache.install()
    first = _module("probe_kept")  # compiled, and kept
    codecache.save()
    _reset_memory()
    again = _module("probe_kept")  # from the file
    assert kept.is_file()
    for name in ("Point", "Basket", "Slotted", "Child"):
        for made in (first, again):
            want, got = _functions(plain[name]), _functions(made[name])
            assert sorted(want) == sorted(got) and "__init__" in want, name
            for fn in want:
                a, b = want[fn].__code__, got[fn].__code__
                assert (a.co_code, a.co_consts, a.co_names, a.co_varnames, a.co_filename, a.co_flags) == \
                       (b.co_code, b.co_consts, b.co_names, b.co_varnames, b.co_filename, b.co_flags), (name, fn)
                # (repr: an InitVar has no equality of its own)
                assert repr(want[fn].__annotations__) == repr(got[fn].__annotations__), (name, fn)
                assert want[fn].__qualname__.split(".")[-1] == got[fn].__qualname__.split(".")[-1]
            assert plain[name].__doc__ == made[name].__doc__
    # behaviour, not only code: annotations are objects, frozen is frozen, order and defaults hold
    point = again["Point"]
    assert typing.get_type_hints(point.__init__) == {"x": int, "y": int, "tags": tuple, "return": type(None)}
    assert point(1) < point(2) and point(1, 2) == point(1, 2) and hash(point(1)) == hash(point(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        point(1).x = 5  # type: ignore[misc]
    basket = again["Basket"]("Kreis", scale=4)
    assert basket.items == [] and basket.seen == 8 and repr(basket) == "Basket(owner='Kreis', items=[])"
    assert again["Slotted"](a=1).b == "b" and not hasattr(again["Slotted"](a=1), "__dict__")
    with pytest.raises(TypeError):
        again["Slotted"](1)
    assert "__eq__" not in vars(again["Child"]) and again["Child"]("x").extra == 1.5  # eq=False: none of its own


def test_a_class_in_the_file_is_not_compiled_again(kept, monkeypatch):
    _module("probe_once")
    codecache.save()
    _reset_memory()

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled although the code was kept")

    monkeypatch.setattr(codecache, "compile", no_compile, raising=False)
    made = _module("probe_once")
    assert made["Point"](3).x == 3
    assert not codecache._state["changed"]  # nothing new: the file is not written again


def test_code_of_a_changed_class_is_dropped_from_the_file(kept):
    _module("probe_change")
    codecache.save()
    before = len(codecache._stored["probe_change"])
    _reset_memory()
    _module("probe_change", "import dataclasses\n@dataclasses.dataclass\nclass Only:\n    z: int\n")
    codecache.save()
    _reset_memory()
    codecache._load()
    assert len(codecache._stored["probe_change"]) < before
    assert len(codecache._module_codes("probe_change")) == 3  # Only's __init__, __repr__ and __eq__


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xe3\x00\x00\x00", __import__("marshal").dumps({"m": 5}),
                                     __import__("marshal").dumps({"probe_bad": b"not marshal"})])
def test_a_damaged_file_is_ignored(kept, content):
    kept.parent.mkdir(parents=True)
    kept.write_bytes(content)
    made = _module("probe_bad")
    assert made["Point"](1, 2).y == 2
    codecache.save()  # and replaced by a good one
    _reset_memory()
    assert _module("probe_bad")["Basket"]("a").owner == "a"
    assert codecache._stored and not codecache._state["changed"]


def test_a_folder_that_cannot_be_written_is_left_alone(kept, monkeypatch, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    monkeypatch.setattr(codecache, "folders", lambda: [(str(blocked / "code"), True)])
    _module("probe_ro")
    codecache.save()  # no exception, nothing written
    assert blocked.read_text(encoding="utf-8") == "a file where the folder would be"
    assert codecache._state["changed"] == {"probe_ro"}


def test_only_the_console_script_installs_it(tmp_path):
    """``main()`` (what tests and plugins call) leaves dataclasses alone; ``run()`` writes the file."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    library = ("import dataclasses\n"
               "from ikz_isms import cli\n"
               "assert cli.main(['init', 'erste']) == 0\n"
               "assert not hasattr(dataclasses, 'exec'), 'main() installed the cache'\n")
    script = ("import sys\n"
              "from ikz_isms import cli, codecache\n"
              f"codecache.folders = lambda: [({str(tmp_path / 'code')!r}, True)]\n"
              "sys.argv = ['ikz-isms', 'init', 'zweite']\n"
              "cli.run()\n")
    for probe in (library, script):
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "erste" / "ikz-isms.yaml").is_file() and (tmp_path / "zweite" / "ikz-isms.yaml").is_file()
    assert (tmp_path / "code" / codecache.file_name()).is_file()
