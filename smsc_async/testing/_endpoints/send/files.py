"""``send.php`` file rules per message kind: what is refused, what is dropped.

* e-mail: more than 20 files, or a file over 10 MB, is error 1 (SMSC's documentation says so).
* voice call: files over 5 MB are dropped, then all but the first 4 ("attachments beyond the
  limits are excluded"); the call is billed for the files kept.
* Viber: a file over 1 MB, or not of one of the listed formats (by its name's extension), is
  error 1. SMSC's docs only says a file "must not exceed 1 MB and must be of these formats";
  refusing is the emulator's decision, so tests see a clear failure.
* other kinds: every file is kept.

1 MB is 1 MiB (1048576 bytes) throughout, as in the SDK.
"""

from __future__ import annotations

from ..._state.codes import MessageKind
from ..._wire.answer import ApiFault
from ..._wire.request import FakeFile

__all__ = ["kept_files"]

_MIB = 1024 * 1024
_VIBER_FORMATS = frozenset(
    {"jpg", "jpeg", "gif", "png", "3gp", "m4v", "mov", "mp4", "doc", "docx", "rtf", "dotx",
     "dot", "odf", "fodt", "odt", "txt", "info", "pdf", "xps", "eps", "pdax", "xlsx", "xlsm",
     "fods", "ods", "csv", "xltx"}
)  # fmt: skip


def _extension(file: FakeFile) -> str:
    name = file.filename.rsplit("/", 1)[-1]
    return name.rpartition(".")[2].lower() if "." in name else ""


def kept_files(kind: MessageKind, files: tuple[FakeFile, ...]) -> tuple[FakeFile, ...]:
    """The files a message of ``kind`` keeps; raises error 1 where the kind refuses them."""
    if kind is MessageKind.MAIL:
        if len(files) > 20 or any(len(file.data) > 10 * _MIB for file in files):
            raise ApiFault(1, "parameters error")
    elif kind is MessageKind.VIBER:
        for file in files:
            if len(file.data) > _MIB or _extension(file) not in _VIBER_FORMATS:
                raise ApiFault(1, "parameters error")
    elif kind is MessageKind.CALL:
        return tuple(file for file in files if len(file.data) <= 5 * _MIB)[:4]
    return files
