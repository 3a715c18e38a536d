"""One door for an item's status: only app/items/status.py assigns it (STYLE.md, habit 4)."""

import re

from config import BASE_DIR

ASSIGNMENT = re.compile(r"\b(\w+)\.status\s*=(?!=)")
# Other objects with a status of their own, changed by their own single function.
OTHER_STATUSES = {("app/walks/services.py", "walk")}


def test_nothing_but_the_status_function_assigns_an_item_status():
    offenders = []
    for path in sorted((BASE_DIR / "app").rglob("*.py")):
        relative = str(path.relative_to(BASE_DIR))
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in ASSIGNMENT.finditer(line):
                if relative == "app/items/status.py" or (relative, match.group(1)) in (
                        OTHER_STATUSES):
                    continue
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_the_grep_would_see_an_assignment():
    assert ASSIGNMENT.search("    item.status = 'resolved'")
    assert not ASSIGNMENT.search("    if item.status == 'resolved':")
