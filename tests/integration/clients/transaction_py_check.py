"""MULTI/EXEC through Debian's python3-redis (redis-py 4): the default
pipeline() wraps its commands in MULTI ... EXEC.

Usage: transaction_py_check.py PORT
Prints "ok" and exits 0 when every check passed; otherwise an assertion
names the check that failed.
"""

import sys

import redis


def check_every_kind(r):
    r.delete("py:tx:s", "py:tx:n", "py:tx:m", "py:tx:copy")
    pipe = r.pipeline()  # transaction=True
    pipe.set("py:tx:s", "hello", ex=100)
    pipe.append("py:tx:s", " world")
    pipe.get("py:tx:s")
    pipe.strlen("py:tx:s")
    pipe.getrange("py:tx:s", 0, 4)
    pipe.incr("py:tx:n")
    pipe.incrby("py:tx:n", 41)
    pipe.incrbyfloat("py:tx:n", 0.5)
    pipe.mset({"py:tx:a": "1", "py:tx:b": "2"})
    pipe.mget("py:tx:a", "py:tx:b", "py:tx:missing")
    pipe.exists("py:tx:a", "py:tx:b")
    pipe.rename("py:tx:s", "py:tx:m")
    pipe.copy("py:tx:m", "py:tx:copy")
    pipe.renamenx("py:tx:copy", "py:tx:m")
    pipe.ttl("py:tx:m")
    pipe.persist("py:tx:m")
    pipe.delete("py:tx:a", "py:tx:b")
    pipe.ping()
    pipe.echo("e")
    replies = pipe.execute()
    expected = [True, 11, b"hello world", 11, b"hello", 1, 42, 42.5, True,
                [b"1", b"2", None], 2, True, True, False]
    assert replies[:14] == expected, replies
    assert 90 <= replies[14] <= 100, replies[14]
    assert replies[15:] == [True, 2, True, b"e"], replies[15:]
    assert r.get("py:tx:m") == b"hello world"
    assert r.ttl("py:tx:m") == -1


def check_errors(r):
    r.set("py:tx:text", "abc")
    pipe = r.pipeline()
    pipe.incr("py:tx:text")  # fails when run: its error is in the reply
    pipe.set("py:tx:after", "ran")
    replies = pipe.execute(raise_on_error=False)
    assert isinstance(replies[0], redis.ResponseError), replies
    assert replies[1] is True, replies
    pipe = r.pipeline()
    pipe.incr("py:tx:text")
    try:
        pipe.execute()
        raise AssertionError("execute() did not raise")
    except redis.ResponseError as e:
        assert "not an integer" in str(e), e
    pipe = r.pipeline()
    pipe.set("py:tx:never", "x")
    pipe.execute_command("NOSUCHCOMMAND")
    try:
        pipe.execute()
        raise AssertionError("execute() did not raise")
    except redis.ResponseError as e:  # the queueing error, EXEC aborted
        assert "unknown command 'NOSUCHCOMMAND'" in str(e), e
    assert r.get("py:tx:never") is None


def check_watch_refused(r):
    with r.pipeline() as pipe:
        try:
            pipe.watch("py:tx:n")
            raise AssertionError("WATCH was accepted")
        except redis.ResponseError as e:
            assert "does not support WATCH" in str(e), e


def main():
    r = redis.Redis(port=int(sys.argv[1]))
    check_every_kind(r)
    check_errors(r)
    check_watch_refused(r)
    print("ok")


main()
