"""Loading and checking vocabularies."""


def load_vocabularies():
    return {}
