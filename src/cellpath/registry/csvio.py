"""Bulk CSV reading and writing with NumPy (no pandas, no Python loop per row).

Reading: the file is scanned as bytes; newline and comma positions give every field's span, and
only the columns asked for are materialised (as fixed-width byte strings). Files that use
quoting fall back to the ``csv`` module. Writing: every column is formatted into a byte matrix
and the rows are assembled in one buffer.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "CsvTable",
    "bytes_column",
    "date_column",
    "fixed_column",
    "int_column",
    "join_rows",
    "label_column",
    "read_csv",
]

_NL, _CR, _COMMA, _QUOTE, _SPACE, _TAB = 10, 13, 44, 34, 32, 9
#: Longest field accepted in a column that is read (a guard against runaway memory).
MAX_FIELD_BYTES = 512


@dataclass
class CsvTable:
    """Columns asked for, as 1-D ``S`` arrays (stripped of surrounding blanks), one per row.

    ``lines`` holds each row's 1-based line number in the file; ``problems`` are
    (line, message) pairs for lines that could not be split into the header's fields.
    """

    header: list[str]
    columns: dict[str, np.ndarray]
    lines: np.ndarray
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return int(self.lines.size)


def read_csv(path: Path, wanted: list[str]) -> CsvTable:
    """Read ``path`` (UTF-8, header line, comma-separated), keeping the ``wanted`` columns.

    Header names are matched case-insensitively and stripped; wanted columns missing from the
    header are simply absent from ``columns`` (the caller reports them). Blank lines are
    skipped. Raises ``ValueError`` for an empty file.
    """
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw or raw.isspace():
        raise ValueError("empty file (a header line is required)")
    if b'"' in raw:
        return _read_quoted(raw, wanted)
    if not raw.endswith(b"\n"):
        raw += b"\n"
    data = np.frombuffer(raw, dtype=np.uint8)
    # Every comma and newline, once: each well-formed line holds exactly n_fields of them.
    sep = np.flatnonzero((data == _COMMA) | (data == _NL))
    nl_at = np.flatnonzero(data[sep] == _NL)
    fields = np.diff(nl_at, prepend=-1)
    line_end = sep[nl_at]
    line_start = np.r_[0, line_end[:-1] + 1]
    has_cr = (line_end > line_start) & (data[line_end - 1] == _CR)
    content_end = line_end - has_cr

    header_text = bytes(data[line_start[0] : content_end[0]]).decode("utf-8", "replace")
    header = [h.strip().lower() for h in header_text.split(",")]
    n_fields = len(header)

    n_lines = line_end.size
    line_no = np.arange(1, n_lines + 1)
    blank = _blank_lines(data, line_start, content_end, fields == 1)
    good = (fields == n_fields) & ~blank
    good[0] = False  # the header
    bad = ~good & ~blank
    bad[0] = False
    problems = [
        (int(ln), f"expected {n_fields} fields, found {int(k)}")
        for ln, k in zip(line_no[bad].tolist(), fields[bad].tolist(), strict=True)
    ]
    if good[1:].all():
        ends = sep[nl_at[0] + 1 :].reshape(-1, n_fields)
    else:
        owner = np.repeat(np.arange(n_lines), fields)
        ends = sep[good[owner]].reshape(-1, n_fields)
    starts0 = line_start[good]
    last_end = content_end[good]
    line_no = line_no[good]
    strip = b" " in raw or b"\t" in raw

    columns: dict[str, np.ndarray] = {}
    for name in wanted:
        if name not in header:
            continue
        j = header.index(name)
        fs = starts0 if j == 0 else ends[:, j - 1] + 1
        fe = last_end if j == n_fields - 1 else ends[:, j]
        col, too_long = _extract(data, fs, fe, strip)
        for ln in line_no[too_long].tolist():
            problems.append((int(ln), f"{name}: field longer than {MAX_FIELD_BYTES} bytes"))
        columns[name] = col
    if problems:
        problems.sort()
    return CsvTable(header=header, columns=columns, lines=line_no, problems=problems)


def _blank_lines(
    data: np.ndarray, starts: np.ndarray, ends: np.ndarray, one_field: np.ndarray
) -> np.ndarray:
    """Empty lines, and comma-free lines holding only spaces, tabs or CRs."""
    blank = ends == starts
    maybe = one_field & ~blank
    if maybe.any():
        solid = ~((data == _SPACE) | (data == _TAB) | (data == _CR))
        count = np.r_[0, np.cumsum(solid, dtype=np.int64)]
        blank |= maybe & (count[ends] - count[starts] == 0)
    return blank


def _extract(
    data: np.ndarray, fs: np.ndarray, fe: np.ndarray, strip: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Fields [fs, fe) as an ``S`` array (blanks stripped); mask of fields too long to keep.

    Every field is followed by a separator inside ``data``, so ``data[fs]`` is always valid.
    """
    if strip:
        fs, fe = fs.copy(), fe.copy()
        for _ in range(MAX_FIELD_BYTES):  # strip a byte at a time, all rows at once
            first, last = data[fs], data[np.maximum(fe - 1, 0)]
            lead = (fs < fe) & ((first == _SPACE) | (first == _TAB))
            trail = (fe > fs) & ((last == _SPACE) | (last == _TAB))
            if not (lead.any() or trail.any()):
                break
            fs += lead
            fe -= trail
    width = fe - fs
    too_long = width > MAX_FIELD_BYTES
    if too_long.any():
        width = np.where(too_long, 0, width)
    w = int(width.max()) if width.size else 0
    if w == 0:
        return np.zeros(fs.size, dtype="S1"), too_long
    if w == 1:
        return np.where(width == 1, data[fs], 0).astype(np.uint8).view("S1"), too_long
    k = np.arange(w)
    idx = fs[:, None] + k
    np.minimum(idx, data.size - 1, out=idx)
    chars = data[idx]
    if int(width.min()) < w:
        chars = np.where(k < width[:, None], chars, 0).astype(np.uint8)
    return np.ascontiguousarray(chars).view(f"S{w}").ravel(), too_long


def _read_quoted(raw: bytes, wanted: list[str]) -> CsvTable:
    """Slow path for files that use CSV quoting: the ``csv`` module, line numbers kept."""
    text = raw.decode("utf-8", "replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise ValueError("empty file (a header line is required)") from exc
    n_fields = len(header)
    keep = [(name, header.index(name)) for name in wanted if name in header]
    values: dict[str, list[bytes]] = {name: [] for name, _ in keep}
    lines: list[int] = []
    problems: list[tuple[int, str]] = []
    line = reader.line_num
    for row in reader:
        start = line + 1
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != n_fields:
            problems.append((start, f"expected {n_fields} fields, found {len(row)}"))
            continue
        for name, j in keep:
            v = row[j].strip().encode("utf-8")
            if len(v) > MAX_FIELD_BYTES:
                problems.append((start, f"{name}: field longer than {MAX_FIELD_BYTES} bytes"))
                v = b""
            values[name].append(v)
        lines.append(start)
    columns = {
        name: np.array(vals, dtype="S") if vals else np.zeros(0, "S1")
        for name, vals in values.items()
    }
    return CsvTable(header, columns, np.asarray(lines, dtype=np.int64), sorted(problems))


# ----------------------------------------------------------------------------- writing
#
# A column is formatted into a (n, w) uint8 matrix. NUL bytes are padding and may sit anywhere
# (numbers are right-aligned, strings left-aligned): rows are assembled side by side with their
# separators and every NUL is dropped in one pass. CSV text never contains NUL.


def _needs_quotes(values: np.ndarray) -> np.ndarray:
    chars = values.view(np.uint8).reshape(values.shape[0], -1)
    special = (chars == _COMMA) | (chars == _QUOTE) | (chars == _NL) | (chars == _CR)
    return special.any(axis=1)


def bytes_column(values: np.ndarray) -> np.ndarray:
    """An ``S`` array as a column; values with commas, quotes or newlines are CSV-quoted."""
    values = np.ascontiguousarray(values)
    n = values.shape[0]
    if n == 0:
        return np.zeros((0, 1), np.uint8)
    quote = _needs_quotes(values)
    if quote.any():
        values = values.astype(object)
        for i in np.flatnonzero(quote).tolist():
            values[i] = b'"' + values[i].replace(b'"', b'""') + b'"'
        values = values.astype("S")
    return values.view(np.uint8).reshape(n, values.dtype.itemsize)


def _digits(v: np.ndarray, width: int | None = None) -> np.ndarray:
    """Non-negative int64 → right-aligned decimal digits, leading positions NUL."""
    n = v.shape[0]
    if width is None:
        top = int(v.max()) if n else 0
        width = max(1, len(str(top)))
    chars = np.zeros((n, width), dtype=np.uint8)
    p = np.int64(1)
    for k in range(width):
        digit = (48 + (v // p) % 10).astype(np.uint8)
        chars[:, width - 1 - k] = digit if k == 0 else np.where(v >= p, digit, 0)
        if k < width - 1:
            p = p * np.int64(10)
    return chars


def int_column(values: np.ndarray, *, missing: np.ndarray | None = None) -> np.ndarray:
    """Integers as decimal text; ``missing`` rows are empty."""
    v = np.asarray(values, dtype=np.int64)
    neg = v < 0
    digits = _digits(np.abs(v))
    chars = (
        np.concatenate([np.where(neg, ord("-"), 0).astype(np.uint8)[:, None], digits], axis=1)
        if neg.any()
        else digits
    )
    if missing is not None:
        chars[np.asarray(missing, dtype=bool)] = 0
    return chars


def fixed_column(values: np.ndarray, decimals: int) -> np.ndarray:
    """Floats with a fixed number of decimals (like ``%.{decimals}f``); NaN → empty."""
    x = np.asarray(values, dtype=np.float64)
    nan = ~np.isfinite(x)
    scale = 10**decimals
    k = np.rint(np.abs(np.where(nan, 0.0, x)) * scale).astype(np.int64)
    neg = (x < 0) & (k != 0)
    n = x.shape[0]
    parts = [np.where(neg, ord("-"), 0).astype(np.uint8)[:, None], _digits(k // scale)]
    if decimals:
        fp = k % scale
        frac = np.empty((n, decimals), dtype=np.uint8)
        for j in range(decimals):
            frac[:, j] = 48 + (fp // 10 ** (decimals - 1 - j)) % 10
        parts += [np.full((n, 1), ord("."), np.uint8), frac]
    chars = np.concatenate(parts, axis=1)
    chars[nan] = 0
    return chars


def date_column(days: np.ndarray) -> np.ndarray:
    """Dates (datetime64, or int64 day numbers since 1970; NaT → empty) as YYYY-MM-DD."""
    d = np.asarray(days)
    d = (
        d.astype("datetime64[D]")
        if np.issubdtype(d.dtype, np.datetime64)
        else d.astype(np.int64).view("datetime64[D]")
    )
    nat = np.isnat(d)
    safe = np.where(nat, np.datetime64("2000-01-01"), d)
    y = safe.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = safe.astype("datetime64[M]")
    m = month_start.astype(np.int64) % 12 + 1
    dd = (safe - month_start).astype(np.int64) + 1
    if np.any((y < 0) | (y > 9999)):
        raise ValueError("dates outside years 0000-9999 cannot be written as YYYY-MM-DD")
    chars = np.empty((d.shape[0], 10), dtype=np.uint8)
    for i, p in enumerate((1000, 100, 10, 1)):
        chars[:, i] = 48 + (y // p) % 10
    chars[:, 4] = chars[:, 7] = ord("-")
    chars[:, 5], chars[:, 6] = 48 + m // 10, 48 + m % 10
    chars[:, 8], chars[:, 9] = 48 + dd // 10, 48 + dd % 10
    chars[nat] = 0
    return chars


def label_column(
    codes: np.ndarray, labels: tuple[str, ...], *, missing: np.ndarray | None = None
) -> np.ndarray:
    """Small integer codes → their text labels (e.g. King's stage "4A")."""
    table = np.array([s.encode() for s in labels], dtype="S")
    chars = bytes_column(table[np.clip(codes, 0, len(labels) - 1)]).copy()
    if missing is not None:
        chars[np.asarray(missing, dtype=bool)] = 0
    return chars


def join_rows(header: list[str], columns: list[np.ndarray]) -> bytes:
    """Assemble header + rows (comma-separated, newline-terminated) into one bytes object."""
    head = (",".join(header) + "\n").encode()
    if not columns or columns[0].shape[0] == 0:
        return head
    n = columns[0].shape[0]
    width = sum(c.shape[1] + 1 for c in columns)
    block = np.zeros((n, width), dtype=np.uint8)
    off = 0
    for i, chars in enumerate(columns):
        w = chars.shape[1]
        block[:, off : off + w] = chars
        block[:, off + w] = _COMMA if i < len(columns) - 1 else _NL
        off += w + 1
    flat = block.ravel()
    return head + flat[flat != 0].tobytes()
