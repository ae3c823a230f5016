"""Tokens of QBO's query language.

Strings are single-quoted with backslash escapes (``\\'`` is a quote, ``\\\\`` a backslash), so a
hostile value such as ``x' OR Name = 'y`` written as ``'x\\' OR Name = \\'y'`` stays one string.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from acctivate_qbo_plugin.sandbox import errors


class T(enum.Enum):
    KEYWORD = "keyword"
    IDENT = "identifier"
    STRING = "string"
    NUMBER = "number"
    OP = "operator"
    STAR = "*"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    EOF = "<EOF>"


KEYWORDS = frozenset(
    {
        "SELECT",
        "FROM",
        "WHERE",
        "AND",
        "OR",
        "NOT",
        "IN",
        "LIKE",
        "ORDERBY",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "STARTPOSITION",
        "MAXRESULTS",
        "COUNT",
        "TRUE",
        "FALSE",
        "JOIN",
        "GROUP",
    }
)
_OPERATORS = ("<=", ">=", "!=", "<>", "=", "<", ">")


@dataclass(frozen=True)
class Token:
    kind: T
    text: str  # keywords upper-cased; strings unescaped
    column: int  # 1-based, for error messages

    def describe(self) -> str:
        if self.kind is T.EOF:
            return "<EOF>"
        if self.kind is T.KEYWORD:
            return f'" <{self.text}> "{self.text} ""'
        return f'"{self.text}"'


def tokenize(statement: str) -> list[Token]:
    tokens: list[Token] = []
    position, length = 0, len(statement)
    while position < length:
        char = statement[position]
        column = position + 1
        if char.isspace():
            position += 1
        elif char == "'":
            text, position = _string(statement, position)
            tokens.append(Token(T.STRING, text, column))
        elif char.isdigit() or (char in "+-" and statement[position + 1 : position + 2].isdigit()):
            end = position + 1
            while end < length and (statement[end].isdigit() or statement[end] == "."):
                end += 1
            tokens.append(Token(T.NUMBER, statement[position:end], column))
            position = end
        elif char.isalpha() or char == "_":
            end = position + 1
            while end < length and (statement[end].isalnum() or statement[end] in "_."):
                end += 1
            word = statement[position:end]
            if word.upper() in KEYWORDS:
                tokens.append(Token(T.KEYWORD, word.upper(), column))
            else:
                tokens.append(Token(T.IDENT, word, column))
            position = end
        elif char in "*(),":
            kind = {"*": T.STAR, "(": T.LPAREN, ")": T.RPAREN, ",": T.COMMA}[char]
            tokens.append(Token(kind, char, column))
            position += 1
        else:
            operator = next((op for op in _OPERATORS if statement.startswith(op, position)), None)
            if operator is None:
                raise errors.query_parse_error(
                    f"Invalid content. Lexical error at line 1, column {column}. "
                    f'Encountered: "{char}" ({ord(char)}), after : ""'
                )
            tokens.append(Token(T.OP, operator, column))
            position += len(operator)
    tokens.append(Token(T.EOF, "", length + 1))
    return tokens


def _string(statement: str, start: int) -> tuple[str, int]:
    """The unescaped text of the string literal opening at ``start``, and the index after it."""
    chars: list[str] = []
    position = start + 1
    while position < len(statement):
        char = statement[position]
        if char == "\\" and position + 1 < len(statement):
            chars.append(statement[position + 1])
            position += 2
        elif char == "'":
            return "".join(chars), position + 1
        else:
            chars.append(char)
            position += 1
    raise errors.query_parse_error(
        f"Lexical error at line 1, column {len(statement) + 1}. Encountered: <EOF> after : "
        f'"{statement[start : start + 40]}" (the string opened at column {start + 1} is not '
        "closed; end it with ' and escape quotes inside it as \\')"
    )
