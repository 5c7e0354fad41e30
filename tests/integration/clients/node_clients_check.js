// Drives leaderless through Node.js clients from the npm registry that
// speak RESP3: each connects with HELLO 3 by default (ioredis 6, node-redis
// 6), sends CLIENT SETINFO, and ioredis runs its INFO ready check.
//
// Usage: node node_clients_check.js PORT [PASSWORD]
// Prints "ok" and exits 0 when every check passed.

"use strict";
const assert = require("node:assert/strict");
const Redis = require("ioredis");
const { createClient, RESP_TYPES } = require("redis");

const port = Number(process.argv[2]);
const password = process.argv[3];

async function checkIoredis() {
  const client = new Redis({ host: "127.0.0.1", port, password,
                             connectionName: "io", lazyConnect: true });
  await client.connect();
  await client.del("node:io:counter");
  const info = await client.client("INFO");
  assert.match(info, / name=io .* resp=3 lib-name=ioredis lib-ver=6\.\d+/);
  assert.equal(await client.set("node:io", "v"), "OK");
  assert.equal(await client.get("node:io"), "v");
  assert.equal(await client.get("node:missing"), null);
  const pipeline = client.pipeline();
  for (let i = 0; i < 200; i++) pipeline.incr("node:io:counter");
  const replies = await pipeline.exec();
  assert.deepEqual(replies[199], [null, 200]);
  assert.deepEqual(await client.config("GET", "save"), ["save", ""]);
  await client.quit();
}

async function checkNodeRedis() {
  const client = createClient({
    socket: { host: "127.0.0.1", port }, password, name: "nr" });
  client.on("error", (e) => { throw e; });
  await client.connect();
  const hello = await client.hello();
  assert.equal(hello.proto, 3);
  assert.equal(hello.version, "7.0.15");
  const info = await client.clientInfo();
  assert.equal(info.name, "nr");
  assert.equal(info.libName, "node-redis");
  const bytes = Buffer.from([0, 13, 10, 255]);
  assert.equal(await client.set("node:bin", bytes), "OK");
  const back = await client
      .withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
      .get("node:bin");
  assert.deepEqual(back, bytes);
  assert.deepEqual(await client.configGet("maxmemory"), { maxmemory: "0" });
  const values = await client.mGet(["node:missing", "node:missing"]);
  assert.deepEqual(values, [null, null]);
  await client.quit();
}

(async () => {
  await checkIoredis();
  await checkNodeRedis();
  console.log("ok");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
