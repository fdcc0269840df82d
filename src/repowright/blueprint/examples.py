"""The document's own examples, planned as a test file written without the model.

A spec that shows what a function returns (`4 -> "IV"`, `"aaabcc"` -> `"3a1b2c"`,
`evaluate("3 4 +")` returns `7.0`) or which inputs it rejects (anything else (`"IIII"`,
`"IC"`) raises `ValueError`) has stated its tests. A small coder's own tests rarely check them
(roman's kept accepting `"IIII"`; its tests expected what the document never said), so repair
had nothing true to aim at. Only what reads unambiguously becomes a test: both sides Python
literals, in the list item or paragraph defining a planned function of one required parameter
(or a call of a planned function with literal arguments), matching its annotated types.
A function the document calls the inverse of another (`decode(text)` reverses it;
`from_roman` accepts the strings `to_roman` produces) gets each of the other's examples turned
round: rle's tests never checked `decode`, which the document defines only by its examples of
`encode`; roman's `from_roman` raised ValueError for every numeral, and passed every test of
the document's.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass

from repowright.artifacts.blueprint import Blueprint, FileSpec, Symbol
from repowright.blueprint.deliverables import is_test_file
from repowright.blueprint.named import SPAN, blocks, defined_symbol, passages
from repowright.code.python import function_node

EXAMPLES_PATH = "tests/test_document_examples.py"
"""Written from the document, never by the model: repair may not rewrite it."""
_ARROW = r"\s*(?:->|→|=>|returns|gives|==)\s*"
_PAIR = re.compile(rf"`([^`\n]+)`{_ARROW}`([^`\n]+)`")
"""`"aaabcc"` -> `"3a1b2c"`, `evaluate("3 4 +")` returns `7.0`."""
_INLINE = re.compile(rf"^(.+?){_ARROW}(.+)$")
"""`4 -> "IV"`, `evaluate("1 + 2") == 3.0` in one span."""
_REJECTED = re.compile(r"\(((?:\s*`[^`\n]+`\s*,?)+)\)\s*raises?\s+`([\w.]+)`")
"""(`"IIII"`, `"IC"`, `""`) raises `ValueError`."""
_CALL_RAISES = re.compile(r"`([^`\n]+)`\s*raises?\s+`([\w.]+)`")
_INVERTS = r"(?:reverses|inverts|undoes|is the inverse of)"
_INVERSE_OF_IT = re.compile(rf"^`[^`\n]+`\s*,?\s*{_INVERTS}\s+it\b", re.I)
"""`decode(text: str) -> str` reverses it: "it" is the function the item before defines."""
_INVERSE_OF = re.compile(rf"{_INVERTS}\s+`([A-Za-z_]\w*)(?:\([^`\n]*\))?`", re.I)
"""`from_text(s)` is the inverse of `to_text`."""
_READS_WHAT = re.compile(
    r"\b(?:accepts|parses|reads|takes)\b[^.;`]{0,80}?"
    r"\b(?:what|(?:strings?|values?|texts?|outputs?|results?)(?:\s+that)?)\s+"
    r"`([A-Za-z_]\w*)(?:\([^`\n]*\))?`\s+(?:produces|returns|writes|outputs|gives)\b",
    re.I,
)
"""`from_roman(s)` accepts only the exact strings `to_roman` produces: it inverts it."""
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "bytes": (bytes,),
    "list": (list,),
    "tuple": (tuple,),
    "dict": (dict,),
    "set": (set,),
}


@dataclass(frozen=True)
class Example:
    """One call the document states the outcome of."""

    function: str
    home: str
    """The planned file defining `function`."""
    args: tuple[str, ...]
    """The arguments' source (`4`, `'IIII'`)."""
    expected: str = ""
    """The result's source; '' when the call raises."""
    raises: str = ""
    raises_home: str = ""
    """The planned file defining `raises` ('' for a builtin exception)."""
    approx: bool = False
    """A float result: compared within rounding."""


@dataclass(frozen=True)
class _Plan:
    functions: dict[str, tuple[str, Symbol]]
    """Planned module-level functions: their file and symbol."""
    exceptions: dict[str, str]
    """Exceptions a test may expect: their file ('' for builtins)."""


def find_examples(bp: Blueprint, text: str) -> list[Example]:
    """Every example the document states unambiguously, in order, without repeats."""
    code = [f for f in bp.files if f.path.endswith(".py") and not is_test_file(f.path)]
    builtin = {
        name: ""
        for name, value in vars(builtins).items()
        if isinstance(value, type) and issubclass(value, BaseException)
    }
    plan = _Plan(
        functions={s.name: (f.path, s) for f in code for s in f.interface if s.kind == "function"},
        exceptions=builtin
        | {s.name: f.path for f in code for s in f.interface if s.kind == "class"},
    )
    found: list[Example] = []
    inverses: list[tuple[str, str]] = []  # (function, the function it inverts)
    for passage in passages(text, [f.path for f in bp.files]).values():
        before = ""  # the function the previous block defines
        for block in blocks(passage):
            own = _defines(block)
            for example in _in_block(block, own, plan):
                if example not in found:
                    found.append(example)
            named = _INVERSE_OF.search(block) or _READS_WHAT.search(block)
            inverted = named[1] if named else before if _INVERSE_OF_IT.match(block) else ""
            if own in plan.functions and inverted in plan.functions and inverted != own:
                inverses.append((own, inverted))
            before = own
    for own, inverted in inverses:
        for example in [e for e in found if e.function == inverted]:
            turned = _turned(example, plan.functions[own])
            if turned is not None and turned not in found:
                found.append(turned)
    return found


def _defines(block: str) -> str:
    """The function or class a block defines by starting with its span ('' if none)."""
    spans = SPAN.findall(block)
    named = defined_symbol(spans[0]) if spans and block.lstrip().startswith("`") else None
    return named[1] if named else ""


def _turned(example: Example, inverse: tuple[str, Symbol]) -> Example | None:
    """The example of `inverse` that `example` states: its result gives back the argument,
    when both fit the inverse's one parameter and its return type."""
    home, symbol = inverse
    param = _one_parameter(symbol.signature)
    if example.raises or len(example.args) != 1 or param is None:
        return None
    arg, result = _literal(example.expected), _literal(example.args[0])
    if arg is None or result is None:
        return None
    if not _fits(param.annotation, arg) or not _fits(_returns(symbol.signature), result):
        return None
    return Example(
        function=symbol.name,
        home=home,
        args=(example.expected,),
        expected=example.args[0],
        approx=isinstance(result, float),
    )


def add_document_examples(bp: Blueprint, text: str, notes: list[str]) -> None:
    """Plan EXAMPLES_PATH when the document states examples of planned functions."""
    examples = find_examples(bp, text)
    if not examples or any(f.path == EXAMPLES_PATH for f in bp.files):
        return
    homes = [e.home for e in examples] + [e.raises_home for e in examples if e.raises_home]
    bp.files.append(
        FileSpec(
            path=EXAMPLES_PATH,
            purpose="The document's own examples as tests, written from the document.",
            dependencies=list(dict.fromkeys(homes)),
        )
    )
    notes.append(f"{EXAMPLES_PATH}: {len(examples)} examples the document states")


def _in_block(block: str, defines: str, plan: _Plan) -> list[Example]:
    """The block's examples; a bare literal is an argument of the function the block
    `defines` (its first span), when that function takes one required parameter."""
    spans = SPAN.findall(block)
    own = plan.functions.get(defines)
    pairs = [(m[1], m[2]) for m in _PAIR.finditer(block)]
    pairs += [(m[1], m[2]) for span in spans if (m := _INLINE.match(span))]
    out = [_example(left, right, "", own, plan) for left, right in pairs]
    for m in _REJECTED.finditer(block):
        out += [_example(span, "", m[2], own, plan) for span in SPAN.findall(m[1])]
    out += [_example(m[1], "", m[2], None, plan) for m in _CALL_RAISES.finditer(block)]
    return [e for e in out if e is not None]


def _example(
    left: str, right: str, raises: str, own: tuple[str, Symbol] | None, plan: _Plan
) -> Example | None:
    """`left` is a call of a planned function, or the one argument of the block's own."""
    expected = _literal(right) if right else None
    exception = raises.rpartition(".")[2]
    if (right and expected is None) or (raises and exception not in plan.exceptions):
        return None
    call = _call(left, plan.functions)
    if call is not None:
        (home, symbol), args = call
    elif own is not None and (arg := _literal(left)) is not None:
        (home, symbol), args = own, (arg,)
        param = _one_parameter(symbol.signature)
        if param is None or not _fits(param.annotation, arg):
            return None
    else:
        return None
    if right and not _fits(_returns(symbol.signature), expected):
        return None
    return Example(
        function=symbol.name,
        home=home,
        args=tuple(repr(a) for a in args),
        expected=repr(expected) if right else "",
        raises=exception,
        raises_home=plan.exceptions.get(exception, ""),
        approx=isinstance(expected, float),
    )


def _literal(source: str) -> object | None:
    """The value of a Python literal (`4`, `"IV"`, `(1, 2)`), None for anything else (None
    itself included: a document showing `None` is read as prose)."""
    try:
        value: object = ast.literal_eval(source.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value


def _call(
    source: str, functions: dict[str, tuple[str, Symbol]]
) -> tuple[tuple[str, Symbol], tuple[object, ...]] | None:
    """`name(literal, ...)` of a planned function: the function and its arguments. A call
    without arguments is not an example: what it gives depends on state the document sets up
    in prose (`load()` raises `FileNotFoundError` when the file is missing)."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.keywords:
        return None
    if node.func.id not in functions or not node.args:
        return None
    args = tuple(_literal(ast.unparse(a)) for a in node.args)
    if any(a is None for a in args):
        return None
    return functions[node.func.id], args


def _one_parameter(signature: str) -> ast.arg | None:
    """The only required parameter of a signature (others have defaults), else None."""
    node = function_node(signature)
    if node is None or (node.args.kwonlyargs and None in node.args.kw_defaults):
        return None
    params = [*node.args.posonlyargs, *node.args.args]
    required = params[: len(params) - len(node.args.defaults)]
    return required[0] if len(required) == 1 and required[0].arg != "self" else None


def _returns(signature: str) -> ast.expr | None:
    node = function_node(signature)
    return node.returns if node is not None else None


def _fits(annotation: ast.expr | None, value: object) -> bool:
    """Whether a value is of the annotated builtin type (any value when the annotation names
    no builtin type)."""
    if isinstance(annotation, ast.Subscript):
        annotation = annotation.value
    if not isinstance(annotation, ast.Name) or annotation.id not in _TYPES:
        return True
    if isinstance(value, bool) and annotation.id in ("int", "float"):
        return False
    return isinstance(value, _TYPES[annotation.id])
