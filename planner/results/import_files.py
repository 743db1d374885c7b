"""Checks of an uploaded workbook before anything reads its cells: it must be a plain .xlsx (a zip holding
xl/workbook.xml) within the size limit, not a zip bomb, without macros, embedded objects, links to other files or
XML document types; then it is opened read-only and every formula cell is refused. Each refusal names the
problem in words a user can act on; nothing is stored.

Python's zipfile never inflates a member beyond the size its directory declares (a member that lies fails its
CRC), so the declared sizes bound what opening the workbook may cost; openpyxl parses the XML with defusedxml."""
import re
import warnings
import zipfile
from io import BytesIO

from flask_babel import gettext as _

from planner.core.errors import PlannerError, ValidationError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # all members together, as their directory declares them
MAX_RATIO = 100  # uncompressed / compressed size of one member (worksheets compress about 10 to 30 times)
RATIO_FLOOR = 1024 * 1024  # members smaller than this are not judged by their ratio
MAX_MEMBERS = 1000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
MACRO_MARKERS = (b"vbaproject", b"macroenabled", b"vnd.ms-office.activex", b"vnd.ms-excel.sheet.binary")
REFUSED_PARTS = (
    (re.compile(r"(^|/)vbaProject\.bin$|(^|/)vbaProjectSignature\.bin$|^xl/macrosheets/|^xl/dialogsheets/", re.I),
     "macros"),
    (re.compile(r"^xl/activeX/|^xl/embeddings/", re.I), "objects"),
    (re.compile(r"^xl/externalLinks/", re.I), "links"),
)


class UploadRefused(ValidationError):
    """The file itself is refused (422); its problems are listed under `file`."""

    def __init__(self, message, problems=None):
        super().__init__(message, {"file": problems or [message]})


class UploadTooLarge(PlannerError):
    status = 413

    def __init__(self, max_bytes):
        message = _("The file is larger than %(mb)s MB, the largest workbook the import accepts; nothing was "
                    "imported. Split the rows over several files.", mb=_megabytes(max_bytes))
        super().__init__(message, {"file": [message]})


def import_max_bytes() -> int:
    """PLANNER_IMPORT_MAX_BYTES of the running application."""
    from flask import current_app

    return int(current_app.config.get("PLANNER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _megabytes(size):
    mb = size / (1024 * 1024)
    return f"{mb:.0f}" if mb >= 1 else f"{mb:.2f}"


def check_upload(content, max_bytes) -> None:
    """Refuse (UploadTooLarge, UploadRefused) a file that is not a plain, reasonable .xlsx workbook."""
    if content is None or len(content) == 0:
        raise UploadRefused(_("The file is empty; nothing was imported."))
    if len(content) > max_bytes:
        raise UploadTooLarge(max_bytes)
    if content.startswith(OLE_MAGIC):
        raise UploadRefused(_("This is an old Excel file (.xls) or a workbook protected by a password; nothing was "
                              "imported. Save it as an Excel workbook (.xlsx) without a password."))
    if not content.startswith(ZIP_MAGIC):
        raise UploadRefused(_("The file is not an Excel workbook (.xlsx): a CSV or text file, or a file renamed to "
                              ".xlsx, is not accepted; nothing was imported. Fill in the planner's template and save "
                              "it as an Excel workbook (.xlsx)."))
    try:
        archive = zipfile.ZipFile(BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise UploadRefused(_("The file is damaged: it is not a readable Excel workbook (.xlsx); nothing was "
                              "imported.")) from None
    with archive:
        _check_members(archive, members)


def _check_members(archive, members):
    if len(members) > MAX_MEMBERS:
        raise UploadRefused(_("The workbook has %(n)d parts, more than a spreadsheet has; it looks crafted and was "
                              "refused. Nothing was imported.", n=len(members)))
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise UploadRefused(_("The file is a zip archive but not an Excel workbook (.xlsx) (it has no "
                              "xl/workbook.xml); nothing was imported."))
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UploadRefused(_("The workbook is encrypted; save it without a password. Nothing was imported."))
        total += member.file_size
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise UploadRefused(_("The part %(name)s of the workbook inflates %(ratio)d times: a zip bomb, not a "
                                  "spreadsheet. Nothing was imported.", name=member.filename[:80],
                                  ratio=member.file_size // max(member.compress_size, 1)))
        for pattern, kind in REFUSED_PARTS:
            if pattern.search(member.filename):
                raise UploadRefused(_refusal(kind, member.filename))
    if total > MAX_UNCOMPRESSED:
        raise UploadRefused(_("The workbook inflates to %(mb)s MB, more than the %(max)s MB the import reads; "
                              "nothing was imported. Split the rows over several files.", mb=_megabytes(total),
                              max=_megabytes(MAX_UNCOMPRESSED)))
    try:
        types = archive.read("[Content_Types].xml").lower()
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        raise UploadRefused(_("The file is damaged: it is not a readable Excel workbook (.xlsx); nothing was "
                              "imported.")) from None
    if any(marker in types for marker in MACRO_MARKERS):
        raise UploadRefused(_refusal("macros", "[Content_Types].xml"))
    if b"externallink" in types:
        raise UploadRefused(_refusal("links", "[Content_Types].xml"))
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels", ".vml")):
            try:
                with archive.open(member) as part:
                    head = part.read(4096).lower()
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
                raise UploadRefused(_("The file is damaged: it is not a readable Excel workbook (.xlsx); nothing "
                                      "was imported.")) from None
            if b"<!doctype" in head or b"<!entity" in head:
                raise UploadRefused(_("The part %(name)s of the workbook declares XML entities, which no "
                                      "spreadsheet program writes; the file looks crafted and was refused. Nothing "
                                      "was imported.", name=member.filename[:80]))


def _refusal(kind, name):
    if kind == "macros":
        return _("The workbook contains macros (%(name)s); macro-enabled workbooks (.xlsm) are refused. Save it as "
                 "an Excel workbook (.xlsx) without macros. Nothing was imported.", name=name[:80])
    if kind == "objects":
        return _("The workbook contains embedded objects or controls (%(name)s), which the import refuses. Copy the "
                 "rows into a new template. Nothing was imported.", name=name[:80])
    return _("The workbook contains links to other files (%(name)s), which the import refuses. Copy the values "
             "into a new template (paste as values). Nothing was imported.", name=name[:80])


def open_workbook(content):
    """The checked workbook opened read-only (close it when done). Damage that only openpyxl notices is refused
    like the rest."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Data Validation extension is not supported"
            return load_workbook(BytesIO(content), read_only=True, data_only=False, keep_links=False,
                                 keep_vba=False)
    except Exception:  # noqa: BLE001 - whatever the parser trips on, the answer is the same refusal
        raise UploadRefused(_("The file is damaged or not an Excel workbook that the import can read; nothing was "
                              "imported. Open it in your spreadsheet program and save it again as an Excel "
                              "workbook (.xlsx).")) from None
