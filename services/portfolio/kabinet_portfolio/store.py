"""Evidence documents outside the database (POR-11): files named by their SHA-256 in a folder
only the service's user may enter (0700; files 0600).

An upload is spooled once, in chunks, into a staging file of the store (:class:`Spool`) while it
is hashed and counted: the request's multipart parser writes the file part straight into it, so
the body is never held in memory whole. Its content is then checked (seed 003 §2.7: JPG or PDF
only, at most 2 MB, and a document that does not open is refused — by content, never by the
name): a JPEG must decode, a PDF must parse (structure and first pages, read as needed). Only
then is it moved to its place. A file no achievement refers to is removed once the request that
touched it has ended (:func:`release`), so a refused or failed request leaves no orphan behind.
"""
from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kabinet_kit.errors import InvalidInput

CHUNK = 64 * 1024
JPEG, PDF = "image/jpeg", "application/pdf"
_MAGIC = {b"\xff\xd8\xff": JPEG, b"%PDF-": PDF}
_KNOWN_OTHERS = {b"\x89PNG": "PNG", b"PK\x03\x04": "ZIP", b"MZ": "исполняемый файл", b"\x7fELF": "исполняемый файл",
                 b"GIF8": "GIF", b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"RIFF": "RIFF/WebP"}


@dataclass(frozen=True)
class StoredDocument:
    sha256: str
    content_type: str
    size: int


def refuse(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"document": [message]})


def sniff(head: bytes) -> str:
    """The document's type by its first bytes: JPEG or PDF, anything else refused by name."""
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return kind
    for magic, name in _KNOWN_OTHERS.items():
        if head.startswith(magic):
            raise refuse(f"Допускаются только JPG и PDF; это {name}.")
    raise refuse("Допускаются только JPG и PDF; содержимое файла не JPG и не PDF.")


def check_jpeg(path: Path) -> None:
    from PIL import Image
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != "JPEG":
                    raise refuse("Файл не является изображением JPEG.")
                image.verify()
            with Image.open(path) as image:
                # Decode every scan (at 1/8 scale by the DCT: the whole file is read, the pixels
                # held stay small); a truncated or corrupt JPEG fails here.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except InvalidInput:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken image
        raise refuse(f"Изображение JPEG не читается ({exc.__class__.__name__}).") from None


def check_pdf(path: Path) -> None:
    from pypdf import PdfReader
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 1024))
        if b"%%EOF" not in f.read():
            raise refuse("PDF обрезан: нет конца файла (%%EOF).")
    try:
        with open(path, "rb") as f:  # read as parsed (only the structure and the first pages), not whole
            reader = PdfReader(f, strict=True)
            if len(reader.pages) < 1:
                raise refuse("В PDF нет страниц.")
            for page in reader.pages[:3]:
                page.get_contents()
    except InvalidInput:
        raise
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise refuse(f"PDF не читается ({exc.__class__.__name__}).") from None


class Spool(io.FileIO):
    """An upload's staging file (0600), hashed and counted while it is written; the bytes past
    ``max_bytes`` are hashed and counted, not kept. Closing it removes what was not placed."""

    def __init__(self, path: Path, max_bytes: int):
        super().__init__(path, "x+", opener=lambda name, flags: os.open(name, flags, 0o600))
        self.path, self.max_bytes = path, max_bytes
        self.digest, self.size, self.head = hashlib.sha256(), 0, b""

    def write(self, data: Any) -> int:
        self.size += len(data)
        self.digest.update(data)
        if self.size > self.max_bytes:  # refused when placed; the body is bounded by MAX_CONTENT_LENGTH
            return len(data)
        if len(self.head) < 16:
            self.head += bytes(data[:16 - len(self.head)])
        return super().write(data) or 0

    def content_sha256(self) -> bytes:
        """Read by the kit's Idempotency-Key fingerprint instead of the file again."""
        return self.digest.digest()

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    def close(self) -> None:
        super().close()
        self.discard()


class DocumentStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _ready(self) -> None:
        if not self.root.exists():
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.root.stat().st_mode & 0o077:
            self.root.chmod(0o700)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def spool(self, max_bytes: int) -> Spool:
        """A staging file of the store for one upload, hashed and counted as it is written."""
        self._ready()
        return Spool(self.root / f".upload-{os.getpid()}-{secrets.token_hex(8)}", max_bytes)

    def ingest(self, stream: IO[bytes], max_bytes: int) -> StoredDocument:
        """Check and place the upload; refuse it (and keep nothing) if it is not a whole JPG or
        PDF of at most ``max_bytes``. A :class:`Spool` of this store (the request spooled the
        upload into it) is placed as it is; any other stream is copied into one first."""
        if isinstance(stream, Spool) and stream.path.parent == self.root:
            spool = stream
        else:
            spool = self.spool(max_bytes)
            with spool:
                while chunk := stream.read(CHUNK):
                    spool.write(chunk)
                    if spool.size > max_bytes:
                        break
                return self._place(spool)
        return self._place(spool)

    def _place(self, spool: Spool) -> StoredDocument:
        try:
            if spool.size > spool.max_bytes:
                raise refuse(f"Файл больше {spool.max_bytes // (1024 * 1024)} МБ.")
            if spool.size == 0:
                raise refuse("Файл пуст.")
            kind = sniff(spool.head)
            (check_jpeg if kind == JPEG else check_pdf)(spool.path)
            sha = spool.digest.hexdigest()
            final = self.path(sha)
            final.parent.mkdir(mode=0o700, exist_ok=True)
            if not final.exists():
                os.replace(spool.path, final)
            return StoredDocument(sha, kind, spool.size)
        finally:
            spool.discard()

    def remove(self, sha256: str) -> None:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            pass

    def files(self) -> Iterable[str]:
        if not self.root.exists():
            return []
        return [p.name for p in self.root.glob("??/*") if p.is_file()]
