"""Decoding a user's text file: one policy for transcripts, codebooks and tables.

Researchers' files come from Word, Excel, Notepad, transcription services and Macs, so
the same bytes-to-text rules apply to every text file themekit reads (plain-text and
caption transcripts, YAML and CSV codebooks, bulk codings, participants tables, plain
text sources inside a .qdpx). ``decode_user_text`` tries, in this order:

1. a UTF-8 byte-order mark: the rest must be valid UTF-8;
2. a UTF-16 LE or BE byte-order mark: the rest must be valid UTF-16;
3. UTF-16 without a byte-order mark, but only when it is evident: an even number of
   bytes, NUL in at least half of the bytes at one parity (the high byte of Latin
   characters) and in almost none at the other. Any other NUL byte means binary data;
4. UTF-8;
5. Windows-1252 (what Word on Windows writes for "Plain Text", and Excel for "CSV").

Windows-1252 decodes nearly any byte string, so "undecodable" is defined as a byte
undefined in Windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D) or, in the decoded text, a
control character other than tab, line feed, carriage return, vertical tab and form
feed (Word's line and page breaks): that is what binary data decoded as Windows-1252
looks like. Either is a ``TextDecodeError`` naming the file, saying what is wrong and
suggesting to save the file as UTF-8.

The text is returned as it is: curly quotes, dashes and non-breaking spaces are kept,
and so are line endings (the csv and YAML parsers handle CRLF themselves);
``normalise_newlines`` is there for callers, such as transcripts, that count lines.
The encoding name is returned too, so that callers can record or report it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from themekit.errors import InputFileError, TextDecodeError

CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
SAVE_AS_UTF8_HINT = (
    "Open it in the program that made it and save it as UTF-8 text"
    " (in Excel: Save As > CSV UTF-8; in a text editor: Encoding > UTF-8)."
)
_BAD_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_UTF16_SAMPLE_BYTES = 8192


@dataclass(frozen=True)
class DecodedText:
    """A file's text and the encoding it was read as (``utf-8``, ``cp1252``...)."""

    text: str
    encoding: str


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; nothing else changes."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_user_text(data: bytes, path: str | Path) -> DecodedText:
    """Decode a user's file (see the module docstring) or raise ``TextDecodeError``."""
    decoded = _decode(data, path)
    bad = _BAD_CONTROL.search(decoded.text)
    if bad is not None:
        line = normalise_newlines(decoded.text[: bad.start()]).count("\n") + 1
        raise TextDecodeError(
            path,
            f"line {line} contains the control character U+{ord(bad.group()):04X};"
            " this does not look like a text file",
            hint=SAVE_AS_UTF8_HINT,
            byte_offset=_byte_offset(decoded, bad.start()),
        )
    return decoded


def _byte_offset(decoded: DecodedText, index: int) -> int | None:
    """Where character ``index`` starts in the file, for 8-bit encodings; else None."""
    if decoded.encoding.startswith("utf-16"):
        return None
    prefix = decoded.text[:index]
    if decoded.encoding == "utf-8-sig":
        return 3 + len(prefix.encode("utf-8"))
    return len(prefix.encode(decoded.encoding))


def _decode(data: bytes, path: str | Path) -> DecodedText:
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(_strict(data, len(codecs.BOM_UTF8), "utf-8", path), "utf-8-sig")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return DecodedText(_strict(data, len(bom), encoding, path), encoding)
    if b"\x00" in data:
        utf16 = _evident_utf16(data)
        if utf16 is not None:
            try:
                return DecodedText(data.decode(utf16), utf16)
            except UnicodeDecodeError:
                pass  # NULs in a pattern that is not UTF-16 after all: binary
        first = data.index(0)
        raise TextDecodeError(
            path,
            f"contains NUL bytes (first at byte {first}); it looks like a binary file, not text",
            hint="If it is text in another encoding, save it as UTF-8.",
            byte_offset=first,
        )
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for index, byte in enumerate(data):
        if byte in CP1252_UNDEFINED:
            raise TextDecodeError(
                path,
                f"is not UTF-8 text ({utf8_error.reason} at byte {utf8_error.start}) and not "
                f"Windows-1252 text (byte 0x{byte:02X} at {index} is undefined there)",
                hint=SAVE_AS_UTF8_HINT,
                byte_offset=utf8_error.start,
            )
    return DecodedText(data.decode("cp1252"), "cp1252")


def _evident_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the NUL pattern says so, else None."""
    if len(data) % 2:
        return None
    sample = data[:_UTF16_SAMPLE_BYTES]
    even = sample[0::2]
    odd = sample[1::2]
    even_nuls, odd_nuls = even.count(0), odd.count(0)
    # Latin text in UTF-16 has a NUL high byte in nearly every character; binary data
    # has NULs scattered over both positions.
    if odd_nuls * 2 >= len(odd) and even_nuls * 20 <= len(even):
        return "utf-16-le"
    if even_nuls * 2 >= len(even) and odd_nuls * 20 <= len(odd):
        return "utf-16-be"
    return None


def _strict(data: bytes, start: int, encoding: str, path: str | Path) -> str:
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as exc:
        raise TextDecodeError(
            path,
            f"starts with a {encoding} byte-order mark but is not valid {encoding} "
            f"({exc.reason} at byte {exc.start + start})",
            hint=SAVE_AS_UTF8_HINT,
            byte_offset=exc.start + start if encoding == "utf-8" else None,
        ) from None


def read_user_bytes(path: str | Path, error: type[InputFileError] = InputFileError) -> bytes:
    """A user's input file as bytes, or ``error`` (an ``InputFileError``) saying why not.

    The one place a file the user names is read: a missing file, a folder and an
    unreadable file each get one message naming the path. Callers raise their own
    subclass (a transcript, a participants table) so the message says what was expected.
    """
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise error(path, "file not found", hint="Check the path and the file name.") from None
    except IsADirectoryError:
        raise error(path, "is a folder, not a file", hint="Give the path of one file.") from None
    except OSError as exc:
        raise error(
            path,
            f"cannot be read ({exc.strerror or exc})",
            hint="Check the path and permissions.",
        ) from None
