"""The published JSON files' text: what json.dumps(data, ensure_ascii=False, indent=1) writes, made in about half
its time (with an indent, json encodes in Python, one generator step per piece; a build writes 1.2 MB of it)."""
from __future__ import annotations

import json
from json.encoder import encode_basestring  # json's own string encoder without ensure_ascii (in C)

_NUMBER = {int: int.__repr__, float: float.__repr__}  # as json writes them (a float that is finite: see _text)
_CONSTANTS = {True: "true", False: "false", None: "null"}


class Encoded(str):
    """A value's JSON text (json_text), written as it is where it stands in a bigger value: a value that two files
    hold (portal.json and an indicator's file) is encoded once."""


def json_bytes(data) -> bytes:
    """UTF-8 of json.dumps(data, ensure_ascii=False, indent=1) and a newline."""
    return (json_text(data) + "\n").encode("utf-8")


def json_text(data) -> str:
    """json.dumps(data, ensure_ascii=False, indent=1), byte for byte."""
    return _text(data, "")


def _text(value, indent: str) -> str:
    """The value's JSON as it reads at `indent` (its lines after the first start there). Dicts with str keys, lists,
    tuples, str, int, float, True, False and None of exactly these types are written here, an Encoded as it is;
    anything else (a subclass, another key, a float that is not finite, an object json refuses) by json itself,
    re-indented: a JSON text has no newline but those of its indentation, since strings escape theirs."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is Encoded:  # its lines after the first moved to `indent`, as json would write the value there
        return value.replace("\n", "\n" + indent) if indent else str(value)
    inner = indent + " "
    if kind is dict and all(type(key) is str for key in value):
        if not value:
            return "{}"
        return "{\n" + inner + (",\n" + inner).join([encode_basestring(key) + ": " + _text(item, inner)
                                                     for key, item in value.items()]) + "\n" + indent + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        return "[\n" + inner + (",\n" + inner).join([_text(item, inner) for item in value]) + "\n" + indent + "]"
    if kind in _NUMBER and value - value == 0:  # not inf or nan (inf - inf is nan, and nan equals nothing)
        return _NUMBER[kind](value)
    if kind is bool or value is None:
        return _CONSTANTS[value]
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + indent)
