"""JSON API v1: the admin audit log, for admins (docs/API.md, "Audit log
(admins)"). The page and its CSV download are `/admin/audit`."""

from flask import jsonify, request

from blueprints.api.views import bp, pagination, require_role
from livestall.platform import audit


@bp.get("/admin/audit")
def list_audit():
    """Entries newest first, filtered; 400 names a wrong filter."""
    require_role("admin")
    page, per_page = pagination()
    rows, total = audit.entries(page, per_page, **audit.filters_from(request.args))
    return jsonify(
        items=[audit.entry_dict(row) for row in rows],
        page=page,
        per_page=per_page,
        total=total,
    )
