"""The one error the named operations raise for a request the rules refuse."""


class DomainError(Exception):
    """A request the rules refuse; the message is written for the person who made it."""


class StaleVersion(DomainError):
    """Someone saved the same thing since the form was loaded: the caller answers 409."""
