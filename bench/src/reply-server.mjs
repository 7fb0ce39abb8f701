// A keep-alive node:http server on 127.0.0.1 that answers every request with the generate reply.
// Run as a separate process, so that the client being measured has its own core.
import { createServer } from "node:http";

const reply = JSON.stringify({
  reply: { id: 4267, key: "oZFaXmXCLCdoWIXTb9ITSqUvl4OBLsUQgCeuZc5FdwMpmpY5QBn8OUePZiLMb" },
});
const length = String(Buffer.byteLength(reply));
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json", "content-length": length });
    response.end(reply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on("disconnect", () => process.exit(0));
