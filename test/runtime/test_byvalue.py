"""Unit tests of what snapshots save by value (runtime/sleepy/_byvalue.py,
through the snapshot pickler of _state): classes of the main program, their
enum members, functions without an importable name, exceptions' chains,
cells, and objects bound at the top level of other modules."""
import abc
import dataclasses
import enum
import io
import pickle
import traceback
import types
import unittest

from sleepy import _state


def roundtrip(obj):
    f = io.BytesIO()
    _state.Pickler(f, set()).dump(obj)
    return _state.Unpickler(io.BytesIO(f.getvalue())).load()


def as_main(cls):
    """The class as if the main program had defined it (saved by value)."""
    cls.__module__ = "__main__"
    return cls


class ClassTests(unittest.TestCase):
    def test_slots_are_made_again(self):
        @as_main
        class Node:
            __slots__ = ("value", "__hidden")

            def __init__(self, v):
                self.value = v
                self.__hidden = v + 1

            def hidden(self):
                return self.__hidden
        node = roundtrip(Node(3))
        self.assertIsNot(type(node), Node)
        self.assertEqual((node.value, node.hidden()), (3, 4))
        self.assertFalse(hasattr(node, "__dict__"))

    def test_enum_members_keep_identity(self):
        @as_main
        class Shade(enum.IntEnum):
            LIGHT = 1
            DARK = 2
        cls, member = roundtrip((Shade, Shade.DARK))
        self.assertIs(cls(2), member)
        self.assertIs(cls["LIGHT"], cls.LIGHT)
        self.assertEqual(member + 1, 3)
        self.assertEqual(list(cls), [cls.LIGHT, cls.DARK])

    def test_enum_members_keep_their_attributes(self):
        @as_main
        class Planet(enum.Enum):
            EARTH = (5.9, 6.3)

            def __init__(self, mass, radius):
                self.mass = mass
        cls = roundtrip(Planet)
        self.assertEqual(cls.EARTH.mass, 5.9)
        self.assertIs(cls((5.9, 6.3)), cls.EARTH)

    def test_flag_combinations(self):
        @as_main
        class Perm(enum.Flag):
            R = 4
            W = 2
        rw = Perm.R | Perm.W
        cls, got = roundtrip((Perm, rw))
        self.assertIs(cls(6), got)
        self.assertIn(cls.R, got)

    def test_hooks_do_not_run_again(self):
        seen = []

        @as_main
        class Base:
            def __init_subclass__(cls, **kw):
                seen.append(cls.__name__)

        @as_main
        class Child(Base):
            pass
        self.assertEqual(seen, ["Child"])
        roundtrip(Child)
        self.assertEqual(seen, ["Child"])

    def test_abc_registrations_and_abstract_methods(self):
        @as_main
        class Shape(abc.ABC):
            @abc.abstractmethod
            def area(self):
                ...

        @as_main
        class Blob:
            pass
        Shape.register(Blob)
        shape, blob = roundtrip((Shape, Blob))
        self.assertTrue(issubclass(blob, shape))
        self.assertRaises(TypeError, shape)

    def test_dataclass_fields_keep_their_sentinels(self):
        @as_main
        @dataclasses.dataclass(frozen=True, order=True)
        class P:
            x: int
            tags: list = dataclasses.field(default_factory=list)
        cls = roundtrip(P)
        self.assertEqual([f.name for f in dataclasses.fields(cls)], ["x", "tags"])
        self.assertEqual(dataclasses.asdict(cls(1)), {"x": 1, "tags": []})
        self.assertLess(cls(1), cls(2))

    def test_class_with_its_own_name_attribute(self):
        @as_main
        class Named(int):
            __name__ = property(lambda self: f"n{int(self)}")
        cls = roundtrip(Named)
        self.assertEqual((cls.__qualname__.rsplit(".", 1)[-1], cls(3).__name__),
                         ("Named", "n3"))

    def test_nested_class_keeps_its_qualified_name(self):
        @as_main
        class Outer:
            @as_main
            class Inner:
                pass
        self.assertEqual(roundtrip(Outer).Inner.__qualname__, Outer.Inner.__qualname__)


def make_closure():
    value = None

    def get():
        return value
    return get


def make_local_flag():
    class Local(enum.Flag):
        A = 1
        B = 2
    return Local


def make_local_class():
    class Local:
        def __init__(self, v):
            self.v = v

        def twice(self):
            return 2 * self.v
    return Local


class LocalClassTests(unittest.TestCase):
    def test_class_made_in_a_function_by_value(self):
        obj = roundtrip(make_local_class()(4))
        self.assertEqual(obj.twice(), 8)

    def test_int_constant_of_a_module_by_its_binding(self):
        import re._constants as constants
        self.assertIs(roundtrip(constants.BRANCH), constants.BRANCH)

    def test_plain_objects_bound_in_a_module_by_their_binding(self):
        # Objects of types no other reduction is for (pickle's own reduction
        # is used) still go by their binding, also after another object of
        # their type went by value, in the same pickle.
        fresh = dataclasses._MISSING_TYPE()
        made, bound, again = roundtrip((fresh, dataclasses.MISSING, dataclasses.MISSING))
        self.assertIs(bound, dataclasses.MISSING)
        self.assertIs(again, dataclasses.MISSING)
        self.assertIsNot(made, dataclasses.MISSING)
        self.assertIs(type(made), dataclasses._MISSING_TYPE)

    def test_members_of_a_local_enum(self):
        flag = make_local_flag()
        cls, member = roundtrip((flag, flag.A | flag.B))
        self.assertIs(cls(3), member)

    def test_class_made_by_type_by_value(self):
        Made = type("Made", (), {"k": 3, "__module__": __name__})
        Made.__qualname__ = "NotThere"  # no import finds it
        self.assertEqual(roundtrip(Made).k, 3)

    def test_module_made_aside_by_value(self):
        # Not in sys.modules (a plugin loaded from its path): its namespace
        # by value, and a function defined there runs with it as its
        # globals.
        aside = types.ModuleType("plugin_made_aside")
        exec("count = 2\ndef bump():\n    global count\n    count += 1\n    return count",
             aside.__dict__)
        module, bump = roundtrip((aside, aside.bump))
        self.assertIsNot(module, aside)
        self.assertIsInstance(module, types.ModuleType)
        self.assertEqual(module.__name__, "plugin_made_aside")
        self.assertEqual(bump(), 3)
        self.assertEqual(module.count, 3)
        self.assertIs(bump.__globals__, module.__dict__)

    def test_second_copy_of_a_module_is_refused(self):
        aside = types.ModuleType("json")  # not the json of sys.modules
        with self.assertRaisesRegex(pickle.PicklingError, "not the one imported"):
            roundtrip(aside)

    def test_c_types_by_their_binding(self):
        import _csv
        # _csv's writer type is not found under its own name (_csv.writer is
        # a function), but _csv binds it as Writer: never rebuilt as a class
        # of Python's.
        self.assertIs(roundtrip(_csv.Writer), _csv.Writer)
        self.assertIs(type(roundtrip(_csv.writer(io.StringIO()))), _csv.Writer)

    def test_class_whose_module_is_another_by_its_binding(self):
        # _pydecimal calls itself decimal: its classes say decimal, where
        # the C module's classes of the same names are.
        import _pydecimal
        self.assertEqual(_pydecimal.Clamped.__module__, "decimal")
        self.assertIs(roundtrip(_pydecimal.Clamped), _pydecimal.Clamped)

    def test_new_that_needs_arguments(self):
        # mpmath's mpq: pickle would call __new__ with no arguments on load.
        global Ratio
        class Ratio:
            __slots__ = ("p", "q")

            def __new__(cls, p, q=1):
                obj = object.__new__(cls)
                obj.p, obj.q = p, q
                return obj
        Ratio.__qualname__ = "Ratio"
        got = roundtrip(Ratio(3, 4))
        self.assertEqual((type(got), got.p, got.q), (Ratio, 3, 4))

    def test_slot_hidden_by_a_property(self):
        # mpmath's constants: a subclass's property hides the base's slot.
        global Base, Hidden
        class Base:
            __slots__ = ("_v",)

            def __new__(cls, v):
                obj = object.__new__(cls)
                Base.__dict__["_v"].__set__(obj, v)
                return obj

        class Hidden(Base):
            __slots__ = ()
            _v = property(lambda self: Base.__dict__["_v"].__get__(self) * 10)
        Base.__qualname__, Hidden.__qualname__ = "Base", "Hidden"
        self.assertEqual(roundtrip(Hidden(4))._v, 40)

    def test_struct(self):
        import struct
        self.assertEqual(roundtrip(struct.Struct("<IH")).pack(1, 2), struct.pack("<IH", 1, 2))


class FunctionTests(unittest.TestCase):
    def test_local_function_of_another_module_by_value(self):
        import argparse
        ap = argparse.ArgumentParser()
        ap.add_argument("--n", type=int)
        again = roundtrip(ap)
        self.assertEqual(again.parse_args(["--n", "4"]).n, 4)

    def test_cell_holding_none_is_not_empty(self):
        self.assertIsNone(roundtrip(make_closure())())

    def test_bound_method_held_under_another_name(self):
        # setattr(cls, name, wrapper), as mpmath makes its special functions:
        # pickle's own reduction is getattr(self, "wrapper"), which fails.
        again = roundtrip(Renamed().double)
        self.assertEqual(again(4), 8)
        self.assertIsInstance(again.__self__, Renamed)
        self.assertEqual(roundtrip(Renamed.triple)(2), 6)  # a class method


def _wrap(k):
    def wrapper(self_or_cls, x):
        return k * x
    return wrapper


class Renamed:
    pass


Renamed.double = _wrap(2)
Renamed.triple = classmethod(_wrap(3))


class AppError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


class ExceptionTests(unittest.TestCase):
    def test_chain_notes_and_traceback(self):
        try:
            try:
                {}["k"]
            except KeyError as e:
                raise AppError("bad", 3) from e
        except AppError as caught:
            caught.add_note("note")
            err = caught
        got = roundtrip(err)
        self.assertEqual((got.args, got.code, got.__notes__), (("bad",), 3, ["note"]))
        self.assertIsInstance(got.__cause__, KeyError)
        self.assertTrue(got.__suppress_context__)
        printed = "".join(traceback.format_exception(got))
        self.assertIn("test_chain_notes_and_traceback", printed)
        self.assertIn("The above exception was the direct cause", printed)


class BindingTests(unittest.TestCase):
    def test_module_level_objects_keep_identity(self):
        self.assertIs(roundtrip(dataclasses.MISSING), dataclasses.MISSING)
        self.assertIs(roundtrip(dataclasses._FIELD), dataclasses._FIELD)

    def test_builtins_underscore_is_not_a_binding(self):
        # doctest's display hook sets builtins._; a resumed process has none.
        import builtins
        value = types.SimpleNamespace(a=1)
        builtins._ = value
        try:
            got = roundtrip(value)
        finally:
            del builtins._
        self.assertIsNot(got, value)
        self.assertEqual(got.a, 1)

    def test_traceback_of_lines_unknown(self):
        from sleepy import _byvalue
        tb = _byvalue._traceback([("f.py", "g", 0, "m")])
        self.assertEqual((tb.tb_frame.f_code.co_name, tb.tb_lineno), ("g", 0))

    def test_mapping_proxy(self):
        got = roundtrip(types.MappingProxyType({"a": 1}))
        self.assertEqual(dict(got), {"a": 1})



class Tagged(dict):
    """A dict whose __setitem__ reads an attribute, as enum's EnumDict."""

    def __init__(self, tag):
        super().__init__()
        self.tag = tag
        self.seen = []

    def __setitem__(self, key, value):
        self.seen.append(f"{self.tag}:{key}")
        super().__setitem__(key, value)


class Logged(list):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def append(self, item):
        self.log.append(item)
        super().append(item)


class FilledContainerTests(unittest.TestCase):
    """dict and list subclasses that set their items through methods of
    their own come back with their attributes and their items as they were
    (pickle's reduction would call those methods, before the attributes)."""

    def test_dict_subclass_whose_setitem_reads_an_attribute(self):
        d = Tagged("t")
        d["a"] = 1
        d["b"] = d  # (a cycle through the items)
        again = roundtrip(d)
        self.assertEqual((again.tag, again.seen, again["a"]), ("t", ["t:a", "t:b"], 1))
        self.assertIs(again["b"], again)
        self.assertEqual(list(again), ["a", "b"])

    def test_list_subclass_whose_append_logs(self):
        items = Logged([])
        items.append(1)
        items.append(2)
        again = roundtrip(items)
        self.assertEqual((list(again), again.log), ([1, 2], [1, 2]))


REGISTRY = {}


def registered(name):
    return REGISTRY[name]


class Named:
    """A registry's object that reduces itself to a lookup by name (as
    Celery's tasks do)."""

    def __init__(self, name):
        self.name = name
        self.calls = []
        REGISTRY[name] = self

    def __reduce__(self):
        return registered, (self.name,)


class Valued:
    """An object that reduces itself to a copy of its contents."""

    def __init__(self, items):
        self.items = items

    def __reduce__(self):
        return make_valued, (list(self.items),)


def make_valued(items):
    return Valued(items)


def roundtrip_in_flight(obj):
    f = io.BytesIO()
    _state.Pickler(f, set(), in_flight={id(obj)}).dump(obj)
    return _state.Unpickler(io.BytesIO(f.getvalue())).load()


class InFlightTests(unittest.TestCase):
    """An object whose method runs on the saved stack."""

    def test_one_that_reduces_to_its_name_is_found_again(self):
        task = Named("crunch")
        task.calls.append(1)  # (what a copy would carry, and the registry's does not)
        again = roundtrip_in_flight(task)
        self.assertIs(again, task)

    def test_one_that_reduces_to_its_contents_is_saved_as_it_is(self):
        v = Valued([1, 2])
        v.half = "changed"  # (the running method's work, which __reduce__ drops)
        again = roundtrip_in_flight(v)
        self.assertEqual((type(again), again.items, again.half), (Valued, [1, 2], "changed"))


if __name__ == "__main__":
    unittest.main()
