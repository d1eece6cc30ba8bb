"""Evidence documents outside the database (POR-11): files named by their SHA-256 in a folder
only the service's user may enter (0700; files 0600).

An upload is copied once, in chunks, into a staging file of the store while it is hashed and
counted; its content is then checked (seed 003 §2.7: JPG or PDF only, at most 2 MB, and a
document that does not open is refused — by content, never by the name): a JPEG must decode,
a PDF must parse to its end. Only then is it moved to its place. A file no achievement refers
to is removed once the request that touched it has ended (:func:`release`), so a refused or
failed request leaves no orphan behind.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
        reader = PdfReader(str(path), strict=True)
        pages = len(reader.pages)
        if pages < 1:
            raise refuse("В PDF нет страниц.")
        for page in reader.pages[:3]:
            page.get_contents()
    except InvalidInput:
        raise
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise refuse(f"PDF не читается ({exc.__class__.__name__}).") from None


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

    def ingest(self, stream: IO[bytes], max_bytes: int) -> StoredDocument:
        """Copy, hash, check and place the upload; refuse it (and keep nothing) if it is not a
        whole JPG or PDF of at most ``max_bytes``."""
        self._ready()
        staging = self.root / f".upload-{os.getpid()}-{secrets.token_hex(8)}"
        digest, size, head = hashlib.sha256(), 0, b""
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise refuse(f"Файл больше {max_bytes // (1024 * 1024)} МБ.")
                    if len(head) < 16:
                        head += chunk[:16]
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise refuse("Файл пуст.")
            kind = sniff(head)
            (check_jpeg if kind == JPEG else check_pdf)(staging)
            sha = digest.hexdigest()
            final = self.path(sha)
            final.parent.mkdir(mode=0o700, exist_ok=True)
            if final.exists():
                staging.unlink()
            else:
                os.replace(staging, final)
            return StoredDocument(sha, kind, size)
        finally:
            if staging.exists():
                staging.unlink()

    def remove(self, sha256: str) -> None:
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            pass

    def files(self) -> Iterable[str]:
        if not self.root.exists():
            return []
        return [p.name for p in self.root.glob("??/*") if p.is_file()]
