#!/usr/bin/env node
// xsiam-fake-tenant: runs a fake tenant on 127.0.0.1 until Ctrl-C, for trying the SDK or the CLI
// by hand. It prints the environment lines that point a client, or xsiam-keys, at it.
import { parseArgs } from "node:util";
import { createFakeTenant } from "./fake-tenant.js";

const HELP = `Usage: xsiam-fake-tenant [options]

Runs an in-memory Cortex XSIAM tenant (the API key endpoints) on 127.0.0.1 until Ctrl-C, and
prints its base URL and a root key as XSIAM_* environment lines.

Options:
  --port N                 listen on port N (default: a free port)
  --level advanced|standard
                           the root key's security level (default: advanced)
  --list-casing upper|lower
                           how get_api_keys names its reply (default: upper, as real tenants do)
  --no-rate-limit          do not answer 429 beyond 10 requests per second
  -h, --help               show this help

Examples:
  xsiam-fake-tenant
  xsiam-fake-tenant --port 4010 --level standard > tenant.env
  xsiam-keys --credentials tenant.env list
`;

function fail(message: string): never {
  process.stderr.write(`xsiam-fake-tenant: ${message}\n\n${HELP}`);
  process.exit(1);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: "string" },
      level: { type: "string" },
      "list-casing": { type: "string" },
      "no-rate-limit": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail("--port must be a port number");
const level = values.level ?? "advanced";
if (level !== "advanced" && level !== "standard") fail('--level must be "advanced" or "standard"');
const casing = values["list-casing"] ?? "upper";
if (casing !== "upper" && casing !== "lower") fail('--list-casing must be "upper" or "lower"');

const tenant = await createFakeTenant({
  port,
  rootSecurityLevel: level,
  listCasing: casing,
  rateLimit: values["no-rate-limit"] ? false : 10,
}).catch((error: unknown) =>
  fail(`could not start: ${error instanceof Error ? error.message : String(error)}`),
);

const { id, key, securityLevel } = tenant.rootKey;
// The environment lines go to stdout (so that `> tenant.env` captures them); the rest to stderr.
process.stderr.write(
  `Fake XSIAM tenant on ${tenant.baseUrl}: a root key (console-created, ${securityLevel}, may generate keys).\n` +
    "Use these lines as the environment, or save them and pass --credentials to xsiam-keys:\n\n",
);
process.stdout.write(
  `XSIAM_BASE_URL=${tenant.baseUrl}\nXSIAM_API_KEY_ID=${id}\nXSIAM_API_KEY=${key}\nXSIAM_SECURITY_LEVEL=${securityLevel}\n`,
);
process.stderr.write("\nCtrl-C stops it.\n");

const stop = () => {
  void tenant.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
