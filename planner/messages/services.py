"""Warnings and feedback (to be completed)."""


def link_seizure_to_warning(user, seizure, now=None):
    """A submitted seizure citing a warning records the seizing administration's feedback (outcome: seizure)
    when it is an addressee without feedback yet."""
    raise NotImplementedError
