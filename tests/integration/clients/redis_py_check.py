"""Drives leaderless through Debian's python3-redis (redis-py 4, RESP2).

Usage: redis_py_check.py PORT [PASSWORD]
Prints "ok" and exits 0 when every check passed; otherwise an assertion
names the check that failed.
"""

import sys
import threading

import redis


def check_pipeline(pool):
    r = redis.Redis(connection_pool=pool)
    pipe = r.pipeline(transaction=False)
    for i in range(500):
        pipe.set(f"py:pipe:{i}", i)
    pipe.get("py:pipe:499")
    pipe.incr("py:counter")
    pipe.get("py:missing")
    replies = pipe.execute()
    assert replies[:500] == [True] * 500, replies[:3]
    assert replies[500:] == [b"499", 1, None], replies[500:]


def check_binary(pool):
    r = redis.Redis(connection_pool=pool)
    value = bytes(range(256)) * 64 + b"\r\n\0"
    assert r.set(b"py:bin\0key\xff", value)
    assert r.get(b"py:bin\0key\xff") == value
    assert r.mget([b"py:bin\0key\xff", b"py:missing"]) == [value, None]
    assert r.delete(b"py:bin\0key\xff") == 1


def check_threads(pool):
    errors = []

    def work(n):
        try:
            r = redis.Redis(connection_pool=pool)
            for i in range(50):
                r.incr("py:threads")
                assert r.set(f"py:t{n}:{i}", i)
        except Exception as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert int(redis.Redis(connection_pool=pool).get("py:threads")) == 400


def check_connection_commands(pool):
    r = redis.Redis(connection_pool=pool)
    assert r.ping() is True
    assert r.echo("hi") == b"hi"
    assert r.client_getname() == "py-client"
    assert isinstance(r.client_id(), int)
    assert r.config_get("save") == {"save": ""}
    assert r.config_get("maxmemory") == {"maxmemory": "0"}
    info = r.info()
    assert info["redis_version"] == "7.0.15" and info["loading"] == 0, info
    assert info["replicas_up"] == 3, info
    assert r.info("replication")["role"] == "master"
    assert r.time()[0] > 1600000000
    try:
        r.execute_command("LPUSH", "py:list", "x")
        raise AssertionError("LPUSH should be unknown")
    except redis.ResponseError as e:
        assert str(e).startswith("unknown command 'LPUSH'"), e


def main():
    port = int(sys.argv[1])
    password = sys.argv[2] if len(sys.argv) > 2 else None
    # The pool authenticates and names each new connection (AUTH, CLIENT
    # SETNAME), as applications configure redis-py.
    pool = redis.ConnectionPool(host="127.0.0.1", port=port, password=password,
                                client_name="py-client", max_connections=16)
    redis.Redis(connection_pool=pool).delete("py:counter", "py:threads")
    check_connection_commands(pool)
    check_pipeline(pool)
    check_binary(pool)
    check_threads(pool)
    print("ok")


main()
