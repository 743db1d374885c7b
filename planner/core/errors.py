"""Errors the service layer raises; pages and the API each render them in their own way."""


class PlannerError(Exception):
    status = 400

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = str(message)
        self.errors = {k: [str(m) for m in v] for k, v in (errors or {}).items()}

    def to_json(self):
        body = {"error": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


class ValidationError(PlannerError):
    """Bad input: `errors` maps each field (dotted for nested ones) to its problems."""

    status = 422


class PermissionDenied(PlannerError):
    status = 403


class NotFound(PlannerError):
    status = 404


class TransitionRefused(PlannerError):
    """A transition whose state or guards do not allow it; `reasons` lists every unmet condition."""

    status = 409

    def __init__(self, message, reasons=()):
        self.reasons = [str(r) for r in reasons]
        super().__init__(message, {"conditions": self.reasons} if self.reasons else None)


class Conflict(PlannerError):
    """The request collided with another one done at the same moment (e.g. two people issuing one report)."""

    status = 409


class StaleVersion(PlannerError):
    """Optimistic locking: somebody saved the record since it was read."""

    status = 409

    def __init__(self, message, current_version):
        super().__init__(message, {"version": [message]})
        self.current_version = current_version

    def to_json(self):
        body = super().to_json()
        body["current_version"] = self.current_version
        return body


class FieldErrors:
    """Collects field errors while validating, then raises them all at once."""

    def __init__(self):
        self.errors = {}

    def add(self, field, message):
        self.errors.setdefault(field, []).append(str(message))

    def __bool__(self):
        return bool(self.errors)

    def raise_if_any(self, message="The data is not valid."):
        if self.errors:
            raise ValidationError(message, self.errors)
