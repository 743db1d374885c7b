"""Before "start": every accepted participant has a national contact point (the guard of planner/participants).
Factory.accept calls it too, so that an operation with accepted participants can start in any test."""
from sqlalchemy import select

from planner.auth.models import User
from planner.extensions import db
from planner.participants.models import NominatedContactPoint, Nomination
from planner.participants.services import participants_without_contact_point
from tests.factories import preparer


def contact_point_user(factory, organisation):
    """An active, personal coordinator or contact point of the organisation (created when there is none)."""
    user = db.session.scalar(
        select(User).where(User.organisation_id == organisation.id, User.role.in_(("contact_point", "coordinator")),
                           User.is_service_account.is_(False), User.is_active_account.is_(True))
        .order_by(User.role.desc(), User.id).limit(1)
    )
    return user or factory.user(organisation.code, "contact_point")


@preparer("start")
def nominate_missing_contact_points(factory, operation):
    for participation in participants_without_contact_point(operation):
        user = contact_point_user(factory, participation.organisation)
        nomination = participation.nomination or Nomination(participation=participation)
        db.session.add(nomination)
        nomination.contact_points.append(NominatedContactPoint(user=user, phone="+370 5 000 0000",
                                                               available_24_7=True))
    db.session.commit()
