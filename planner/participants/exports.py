"""Roster exports: xlsx (one row per person and one per control location) and a PDF contact list carrying the
operation's handling marking. Both render what queries.visible_roster lets the user see, nothing more."""
from flask_babel import gettext as _

from planner.core.audit import log_action
from planner.core.clock import utcnow
from planner.core.spreadsheets import Sheet, workbook_bytes
from planner.vocab.codes import Equipment, LocationType, TransportMode


def _yes(value):
    return _("yes") if value else _("no")


def _place_in_operation(entry):
    p = entry.participation
    if p.is_lead:
        return _("Lead")
    if p.is_co_organiser:
        return _("Co-organiser")
    return str(p.role_label)


def person_rows(roster):
    """[organisation, kind, name, e-mail, phone, 24/7, from, to] for every person the user may see."""
    rows = []
    for entry in roster.entries:
        org = entry.organisation.code
        for c in entry.contact_points:
            rows.append([org, _("National contact point"), c.user.name, c.user.email, c.phone,
                         _yes(c.available_24_7), None, None])
        for e in entry.external_contacts:
            rows.append([org, _("External contact"), e.name, e.email, e.phone, None, None, None])
        for lo in entry.liaison_officers:
            rows.append([org, _("Liaison officer"), lo.name, None, None, None, lo.date_from, lo.date_to])
    return rows


def location_rows(roster):
    rows = []
    for entry in roster.entries:
        for loc in entry.control_locations:
            place = loc.place
            rows.append([entry.organisation.code, place.code, place.name, place.country,
                         str(LocationType(place.location_type).label) if LocationType.get(place.location_type)
                         else place.location_type,
                         ", ".join(str(TransportMode(s).label) for s in loc.transport_sectors or []
                                   if TransportMode.get(s))])
    return rows


def organisation_rows(roster):
    rows = []
    for entry in roster.entries:
        p = entry.participation
        row = [entry.organisation.code, entry.organisation.name, _place_in_operation(entry), str(p.status_label)]
        if roster.level == "full" or entry.show_details:
            n = p.nomination
            row += [n.officers_deployed if n else None,
                    ", ".join(str(Equipment(e).label) for e in (n.equipment if n else []) if Equipment.get(e)),
                    ", ".join(n.languages if n else [])]
        else:
            row += [None, None, None]
        rows.append(row)
    return rows


def roster_xlsx(roster):
    operation = roster.operation
    sheets = [Sheet(_("Organisations"), [_("Organisation"), _("Name"), _("Place"), _("Status"),
                                         _("Officers deployed"), _("Equipment"), _("Languages")],
                    organisation_rows(roster))]
    if roster.level != "organisations":
        sheets.append(Sheet(_("People"), [_("Organisation"), _("Role"), _("Name"), _("E-mail"), _("Phone"),
                                          _("Reachable 24/7"), _("From"), _("To")], person_rows(roster)))
    if roster.sees_details:
        sheets.append(Sheet(_("Control locations"), [_("Organisation"), _("UN/LOCODE"), _("Place"), _("Country"),
                                                     _("Location type"), _("Transport sectors")],
                            location_rows(roster)))
    marking = operation.handling_marking if operation.handling_marking != "NONE" else None
    return workbook_bytes(sheets, title=f"{operation.reference} {operation.code_name} – {_('roster')}",
                          marking=marking)


def roster_pdf(roster, user):
    from planner.core.pdf import CouncilNote, NoteCover

    operation = roster.operation
    cover = NoteCover(
        number=f"{operation.reference} {_('roster')}", date=utcnow().date(), sender=operation.lead.name,
        recipient=_("Participants in %(code)s", code=operation.code_name),
        subject=_("Contact list: %(code)s", code=operation.code_name), marking=operation.handling_marking,
        labels={"from": _("From:"), "to": _("To:"), "subject": _("Subject:"), "number": _("Document number:"),
                "file_code": _("File code:"), "previous": _("Previous document:"),
                "page": _("page %(page)d of %(pages)d")},  # no variables: gettext leaves the placeholders
    )
    note = CouncilNote(cover, title=f"{operation.reference} {_('roster')}", author=user.name)
    note.section(_("Organisations taking part"))
    note.table([_("Organisation"), _("Name"), _("Place"), _("Status")],
               [row[:4] for row in organisation_rows(roster)], col_widths=[25, 85, 30, 30])
    if roster.level != "organisations":
        note.section(_("Contacts"))
        people = person_rows(roster)
        note.table([_("Organisation"), _("Role"), _("Name"), _("E-mail"), _("Phone"), _("24/7")],
                   [[r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or ""] for r in people]
                   or [["—", "", "", "", "", ""]], col_widths=[18, 32, 35, 45, 25, 15])
        officers = [r for r in people if r[6] or r[7]]
        if officers:
            note.section(_("Liaison officers: dates of presence"))
            note.table([_("Organisation"), _("Name"), _("From"), _("To")],
                       [[r[0], r[2], r[6].isoformat() if r[6] else "", r[7].isoformat() if r[7] else ""]
                        for r in officers])
    if roster.sees_details:
        locations = location_rows(roster)
        if locations:
            note.section(_("Control locations"))
            note.table([_("Organisation"), _("UN/LOCODE"), _("Place"), _("Type"), _("Transport sectors")],
                       [[r[0], r[1], r[2], r[4], r[5]] for r in locations], col_widths=[20, 22, 45, 35, 48])
    return note.build()


def log_download(operation, user, document):
    log_action(operation, "document.downloaded", user,
               data={"document": document, "marking": operation.handling_marking})
