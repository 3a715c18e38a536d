from app.memo import Memo


def test_each_key_is_worked_out_once_then_read():
    asked = []
    squares = Memo(lambda number: asked.append(number) or number * number)

    assert [squares[3], squares[4], squares[3], squares[3]] == [9, 16, 9, 9]
    assert asked == [3, 4]


def test_a_value_that_is_false_is_still_kept():
    asked = []
    blanks = Memo(lambda key: asked.append(key) or "")

    assert blanks["a"] == blanks["a"] == ""
    assert asked == ["a"]
