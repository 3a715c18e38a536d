"""Walk participation, summed: counted by college and gender, never by name."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Participation:
    walks: int = 0  # walks whose participation was recorded
    by_college: Counter = field(default_factory=Counter)
    by_gender: Counter = field(default_factory=Counter)

    @property
    def total(self):
        return sum(self.by_college.values())


def participation_totals(walks):
    """The participation of `walks` added up (walks without counts are left out)."""
    summed = Participation()
    for walk in walks:
        if not walk.participation:
            continue
        summed.walks += 1
        for college, genders in walk.participation.items():
            for gender, count in genders.items():
                summed.by_college[college] += count
                summed.by_gender[gender] += count
    return summed
