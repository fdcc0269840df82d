import pytest
from ringbuffer import RingBuffer


def test_fifo():
    b = RingBuffer(3)
    for i in range(3):
        b.push(i)
    assert b.is_full()
    assert [b.pop(), b.pop()] == [0, 1]
    assert len(b) == 1


def test_overwrite_oldest():
    b = RingBuffer(3)
    for i in range(5):
        b.push(i)
    assert list(b) == [2, 3, 4]
    assert b.peek() == 2


def test_empty_errors():
    b = RingBuffer(1)
    with pytest.raises(IndexError):
        b.pop()
    with pytest.raises(IndexError):
        b.peek()


def test_bad_capacity():
    with pytest.raises(ValueError):
        RingBuffer(0)


def test_wraps_many_times():
    b = RingBuffer(4)
    for i in range(100):
        b.push(i)
        if i % 3 == 0:
            b.pop()
    assert list(b) == sorted(list(b))
    assert len(b) <= 4
