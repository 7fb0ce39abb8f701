import { spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import { getFreePort } from "./ports.js";
import { stopChild } from "./stop.js";

/** A running `redis-server`, with no persistence, on 127.0.0.1. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops it by its pid (SIGTERM, then SIGKILL) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would, and resolves once it has exited. */
  kill(): Promise<void>;
}

/** Whether a Redis server answers PING on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write("PING\r\n"));
    socket.setTimeout(500, () => socket.destroy());
    socket.once("data", (data) => {
      resolve(data.toString().startsWith("+PONG"));
      socket.destroy();
    });
    socket.once("error", () => resolve(false));
    socket.once("close", () => resolve(false));
  });
}

/**
 * Starts Debian's `redis-server` (from its binary, never through a wrapper) on 127.0.0.1 and
 * `port` (a free one by default), with no persistence, and resolves once it answers PING.
 */
export async function startRedis(port?: number): Promise<RedisServer> {
  const chosen = port ?? (await getFreePort());
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(chosen),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no",
    ],
    { stdio: "ignore" },
  );
  const exited = once(child, "exit");
  const spawned = once(child, "spawn").then(
    () => true,
    (error: Error) => {
      throw new Error(
        `redis-server could not start (${error.message}): is Debian's redis-server installed? scripts/setup.sh installs it`,
      );
    },
  );
  await spawned;
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const deadline = Date.now() + 10_000;
  while (!(await answers(chosen))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not answer on 127.0.0.1:${chosen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const stopWith = (signal: NodeJS.Signals) => async () => {
    process.off("exit", killOnExit);
    await stopChild(child, exited, signal);
  };
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    pid: child.pid as number,
    stop: stopWith("SIGTERM"),
    kill: stopWith("SIGKILL"),
  };
}
