"""Domain errors. Blueprints map them to HTTP codes and Socket.IO acks in one place."""


class DomainError(Exception):
    """Base class: `code` is the API's snake_case error code."""

    code = "invalid"
    status = 400

    def __init__(self, message, code=None, field=None, **params):
        # `message` is an English %-template, kept apart from its values so the
        # blueprints can translate it (Babel extracts these calls' first argument).
        self.template = message
        self.params = params
        self.message = message % params if params else message
        super().__init__(self.message)
        if code:
            self.code = code
        self.field = field

    def __reduce__(self):
        # pickled whole (platform.workers sends them between processes): the
        # default would rebuild from the formatted message alone
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls, message, state):
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class Invalid(DomainError):
    code, status = "invalid", 400


def whole_number(data, key, lo, hi, default=None):
    """`data[key]` (or `default` when absent): a whole number from `lo` to `hi`,
    else Invalid naming the field (booleans are not numbers)."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Invalid(
            "%(key)s must be a whole number from %(lo)d to %(hi)d.",
            field=key,
            key=key,
            lo=lo,
            hi=hi,
        )
    return value


class NotAuthenticated(DomainError):
    code, status = "not_signed_in", 401


class NotAllowed(DomainError):
    code, status = "forbidden", 403


class NotAllowedByMerchant(NotAllowed):
    """The product's merchant has not consented to this (a floor, an allowance)."""

    code = "not_allowed_by_merchant"


class NotFound(DomainError):
    code, status = "not_found", 404


class Conflict(DomainError):
    code, status = "conflict", 409


class AlreadyExists(Conflict):
    code = "already_exists"


class OutOfStock(Conflict):
    code = "out_of_stock"


class LimitReached(Conflict):
    code = "limit_reached"


class SaleEnded(Conflict):
    code = "sale_ended"


class TooLarge(DomainError):
    code, status = "too_large", 413


class UnsupportedMedia(DomainError):
    code, status = "unsupported_media_type", 415


class Unavailable(DomainError):
    """A service the site shares between its processes (Redis) is out of reach:
    try again shortly (`platform.shared.outage`)."""

    code, status = "unavailable", 503


class RateLimited(DomainError):
    code, status = "rate_limited", 429

    def __init__(self, message, retry_after=60, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after
