"""A recursive-descent parser for QBO queries.

    query     := SELECT fields FROM Entity [WHERE cond (AND cond)*] [ORDERBY key (, key)*]
                 [STARTPOSITION n] [MAXRESULTS n]          (the last two in either order)
    fields    := '*' | COUNT '(' '*' ')' | path (',' path)*
    cond      := path op value | path IN '(' value (',' value)* ')' | path LIKE string
    key       := path [ASC | DESC]

``OR``, ``JOIN`` and ``GROUP BY`` are not part of QBO's language and are rejected with 4000.
"""

from __future__ import annotations

from dataclasses import dataclass

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.query_lexer import T, Token, tokenize

COMPARISONS = ("=", "<", ">", "<=", ">=", "!=")
MAX_RESULTS_LIMIT = 1000


@dataclass(frozen=True)
class Value:
    kind: str  # "string", "number" or "bool"
    text: str


@dataclass(frozen=True)
class Condition:
    path: tuple[str, ...]
    op: str  # one of COMPARISONS, "IN" or "LIKE"
    values: tuple[Value, ...]


@dataclass(frozen=True)
class OrderKey:
    path: tuple[str, ...]
    descending: bool


@dataclass(frozen=True)
class Query:
    entity: str
    count: bool
    fields: tuple[tuple[str, ...], ...] | None  # None = SELECT *
    where: tuple[Condition, ...]
    order: tuple[OrderKey, ...]
    start_position: int
    max_results: int


def parse_query(statement: str, *, default_max_results: int = 100) -> Query:
    if not isinstance(statement, str) or not statement.strip():
        raise errors.query_parse_error("the query is empty; send e.g. SELECT * FROM Customer")
    return _Parser(tokenize(statement)).query(default_max_results)


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._index = 0

    @property
    def _current(self) -> Token:
        return self._tokens[self._index]

    def _advance(self) -> Token:
        token = self._current
        if token.kind is not T.EOF:
            self._index += 1
        return token

    def _at_keyword(self, *words: str) -> bool:
        return self._current.kind is T.KEYWORD and self._current.text in words

    def _unexpected(self, expecting: str) -> errors.QboFault:
        token = self._current
        return errors.query_parse_error(
            f"Encountered {token.describe()} at line 1, column {token.column}.\n"
            f"Was expecting:\n    {expecting}"
        )

    def _expect_keyword(self, word: str) -> None:
        if not self._at_keyword(word):
            raise self._unexpected(f'"{word.lower()}" ...')
        self._advance()

    def _expect(self, kind: T, expecting: str) -> Token:
        if self._current.kind is not kind:
            raise self._unexpected(expecting)
        return self._advance()

    def query(self, default_max_results: int) -> Query:
        self._expect_keyword("SELECT")
        count, fields = self._fields()
        self._expect_keyword("FROM")
        entity = self._expect(T.IDENT, "<entity name> ...").text
        where: list[Condition] = []
        if self._at_keyword("WHERE"):
            self._advance()
            where.append(self._condition())
            while self._at_keyword("AND"):
                self._advance()
                where.append(self._condition())
        order = self._order()
        start, max_results = 1, default_max_results
        seen: set[str] = set()
        while self._at_keyword("STARTPOSITION", "MAXRESULTS") and self._current.text not in seen:
            word = self._advance().text
            seen.add(word)
            number = self._integer(word)
            if word == "STARTPOSITION":
                start = number
            else:
                max_results = number
        if self._current.kind is not T.EOF:
            raise self._unexpected('<EOF> \n    "and" ...\n    "orderby" ...\n    "maxresults" ...')
        if start < 1:
            raise errors.invalid_query(
                f"STARTPOSITION must be 1 or more (it is 1-based), got {start}"
            )
        if max_results < 1 or max_results > MAX_RESULTS_LIMIT:
            raise errors.invalid_query(
                f"MAXRESULTS must be between 1 and {MAX_RESULTS_LIMIT}, got {max_results}; "
                "page with STARTPOSITION instead"
            )
        return Query(entity, count, fields, tuple(where), order, start, max_results)

    def _fields(self) -> tuple[bool, tuple[tuple[str, ...], ...] | None]:
        if self._current.kind is T.STAR:
            self._advance()
            return False, None
        if self._at_keyword("COUNT"):
            self._advance()
            self._expect(T.LPAREN, '"("')
            self._expect(T.STAR, '"*"')
            self._expect(T.RPAREN, '")"')
            return True, None
        fields = [self._path()]
        while self._current.kind is T.COMMA:
            self._advance()
            fields.append(self._path())
        return False, tuple(fields)

    def _path(self) -> tuple[str, ...]:
        token = self._expect(T.IDENT, "<property name> ...")
        parts = tuple(token.text.split("."))
        if any(not part for part in parts):
            raise errors.query_parse_error(
                f"the property {token.text!r} at column {token.column} has an empty part"
            )
        return parts

    def _condition(self) -> Condition:
        if self._at_keyword("OR", "NOT"):
            raise self._unexpected("<property name> ...")
        path = self._path()
        if self._at_keyword("IN"):
            self._advance()
            self._expect(T.LPAREN, '"("')
            values = [self._value()]
            while self._current.kind is T.COMMA:
                self._advance()
                values.append(self._value())
            self._expect(T.RPAREN, '")" ...')
            return Condition(path, "IN", tuple(values))
        if self._at_keyword("LIKE"):
            self._advance()
            return Condition(
                path, "LIKE", (Value("string", self._expect(T.STRING, "<string> ...").text),)
            )
        if self._current.kind is not T.OP:
            raise self._unexpected(
                '"=" ...\n    "<" ...\n    ">" ...\n    "in" ...\n    "like" ...'
            )
        operator = self._advance().text
        operator = "!=" if operator == "<>" else operator
        return Condition(path, operator, (self._value(),))

    def _value(self) -> Value:
        token = self._current
        if token.kind is T.STRING:
            self._advance()
            return Value("string", token.text)
        if token.kind is T.NUMBER:
            self._advance()
            return Value("number", token.text)
        if self._at_keyword("TRUE", "FALSE"):
            self._advance()
            return Value("bool", token.text.lower())
        raise self._unexpected(
            '<string literal> ...\n    <number> ...\n    "true" ...\n    "false" ...'
        )

    def _order(self) -> tuple[OrderKey, ...]:
        if self._at_keyword("ORDER"):
            self._advance()
            self._expect_keyword("BY")
        elif self._at_keyword("ORDERBY"):
            self._advance()
        else:
            return ()
        keys = [self._order_key()]
        while self._current.kind is T.COMMA:
            self._advance()
            keys.append(self._order_key())
        return tuple(keys)

    def _order_key(self) -> OrderKey:
        path = self._path()
        descending = False
        if self._at_keyword("ASC", "DESC"):
            descending = self._advance().text == "DESC"
        return OrderKey(path, descending)

    def _integer(self, word: str) -> int:
        token = self._current
        text = token.text
        if token.kind is T.STRING:
            text = token.text.strip()
        if token.kind not in (T.NUMBER, T.STRING) or not text.isdigit():
            raise self._unexpected(f"<integer> after {word}")
        self._advance()
        return int(text)
