"""Values worked out once per key: a long list or an export asks the same question (a
category's label, a due date's text, an item's address) for row after row."""


class Memo(dict):
    """{key: work(key)}, each worked out the first time it is asked for, then read."""

    def __init__(self, work):
        super().__init__()
        self._work = work

    def __missing__(self, key):
        value = self[key] = self._work(key)
        return value
