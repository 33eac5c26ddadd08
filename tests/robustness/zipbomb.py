"""A .docx-named zip whose headers lie: a member declared a few KB that inflates to much more."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def _deflate_zeros(mb: int) -> tuple[bytes, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block, crc, out = b"\0" * (1 << 20), 0, []
    for _ in range(mb):
        out.append(c.compress(block))
        crc = zlib.crc32(block, crc)
    out.append(c.flush())
    return b"".join(out), crc


def lying_docx(path: Path, inflated_mb: int = 150, declared: int = 4096) -> Path:
    """A word/document.xml declared `declared` bytes that inflates to `inflated_mb` MB."""
    members = [("[Content_Types].xml", b"<Types/>")]
    parts, central, offset = [], [], 0
    for name, raw in members:
        data, crc, size = zlib.compress(raw)[2:-4], zlib.crc32(raw), len(raw)
        parts.append((name, data, crc, size))
    bomb, crc = _deflate_zeros(inflated_mb)
    parts.append(("word/document.xml", bomb, crc, declared))
    body = b""
    for name, data, crc, size in parts:
        n = name.encode()
        local = struct.pack("<4sHHHHHIIIHH", b"PK\3\4", 20, 0, 8, 0, 0x21, crc, len(data),
                            size, len(n), 0) + n
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\1\2", 20, 20, 0, 8, 0, 0x21,
                                   crc, len(data), size, len(n), 0, 0, 0, 0, 0, offset) + n)
        body += local + data
        offset += len(local) + len(data)
    cd = b"".join(central)
    eocd = struct.pack("<4sHHHHIIH", b"PK\5\6", 0, 0, len(parts), len(parts), len(cd), offset, 0)
    path.write_bytes(body + cd + eocd)
    return path
