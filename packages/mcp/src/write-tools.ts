// The tools that change keys, listed only when the person who starts the server allows writes
// (`--allow-write --key-dir DIR`). A new key goes to a new file of mode 600 in DIR, whose name the
// server picks; the key is never in a result, a log line or an error.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { writeNewKeyFile } from "@xsiam-sdk/cli";
import { escapeText, type GeneratedApiKey, type XsiamClient } from "@xsiam-sdk/client";
import { z } from "zod";
import {
  callSignal,
  type guarded as guardedCall,
  ok,
  type SecretRedactor,
  serviceText,
  ToolError,
} from "./internal/results.js";

const DAY = 86_400_000;
const FROM = "xsiam-mcp";

export interface WriteToolsOptions {
  readonly client: XsiamClient;
  readonly ownKeyId: number;
  readonly keyDir: string;
  readonly connection: Readonly<Record<string, string>>;
  readonly signal: AbortSignal | undefined;
  readonly log: (text: string) => void;
  /** The markers of generate requests sent and not yet settled: what a hard stop may leave. */
  readonly markers: Set<string>;
  /** What no result may show: each key the server mints is added. */
  readonly redactor: SecretRedactor;
}

/** The progress notifications a call may send: with the client's token, if it gave one. */
type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
const progressOf = (extra: Extra) => {
  const token = extra._meta?.progressToken;
  let count = 0;
  return (message: string) => {
    if (token === undefined) return;
    void extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress: ++count, message },
      })
      .catch(() => undefined);
  };
};

/** A new file name for key `id`: never one a model chose, never one that exists (the time is in it). */
const fileFor = (keyDir: string, id: number) =>
  join(keyDir, `xsiam-key-${id}-${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}.env`);

/** Why writing a file failed: a file system error's code, or the checked error's own words (never a value). */
const codeOf = (error: unknown) =>
  (error as NodeJS.ErrnoException | undefined)?.code ??
  (error instanceof Error ? escapeText(error.message.slice(0, 300)) : "error");

/** How the server's own key is replaced: from outside, since a key cannot rotate or delete itself here. */
const OWN_KEY_HINT = (id: number) =>
  `replace it from outside the server: xsiam-keys rotate ${id} --credentials OTHER_ADMIN.env --out NEW.env (with another key that may generate and delete keys), then restart the server with --credentials NEW.env`;

/** Service text for a person's prompt: escaped, in quotes (a `"` in it escaped too), never JSON-encoded twice. */
const quoted = (text: string | null) => (text === null ? "none" : `"${text.replaceAll('"', '\\"')}"`);

/** What the generate and rotate tools are: each call creates a key, so none is to be repeated blindly. */
const CREATES = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
} as const;

const expiresInDays = z
  .number()
  .gt(0)
  .max(180)
  .describe("days until the key stops working, at most 180 (about six months)");

export function registerWriteTools(
  server: McpServer,
  run: (tool: string) => typeof guardedCall,
  options: WriteToolsOptions,
): void {
  const { client, ownKeyId, keyDir, connection, signal, log, markers, redactor } = options;

  /** Refused before anything is created: a key minted into a folder it cannot be written to is a key nobody holds. */
  const checkKeyDir = () => {
    try {
      accessSync(keyDir, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw new ToolError(
        `the key folder cannot be written to (${codeOf(error)}); nothing was created`,
        "the person who started the server can fix the folder given with --key-dir",
      );
    }
  };

  /**
   * The markers of one call's generate requests: each logged before it is sent, and pending (what a
   * stop that cannot wait names) until the call is over.
   */
  const trackMarkers = (tool: string, what: string) => {
    const sent: string[] = [];
    return {
      sending(marker: string, attempt: number) {
        sent.push(marker);
        markers.add(marker);
        log(`${tool}: sending try ${attempt}; ${what} will carry ${marker}`);
      },
      done() {
        for (const marker of sent) markers.delete(marker);
      },
    };
  };

  /** Writes `key` to a new file; undoes the key if that fails. Returns the file's path. */
  const store = async (key: GeneratedApiKey, securityLevel: string): Promise<string> => {
    const file = fileFor(keyDir, key.id);
    try {
      writeNewKeyFile(file, key, securityLevel, connection, FROM);
      return file;
    } catch (error) {
      const code = codeOf(error);
      try {
        await client.apiKeys.delete([key.id]);
      } catch {
        throw new ToolError(
          `key ${key.id} was created, but writing its file failed (${code}), and deleting the key failed too: key ${key.id} is live and nobody holds it`,
          `delete key ${key.id} (delete_api_keys, or xsiam-keys delete ${key.id})`,
          { newId: key.id, toDelete: [key.id] },
        );
      }
      throw new ToolError(
        `writing the key file failed (${code}); key ${key.id} was deleted again, so nothing was created`,
        "the person who started the server can check the folder given with --key-dir",
        { newId: key.id, newExists: false },
      );
    }
  };

  server.registerTool(
    "generate_api_key",
    {
      title: "Generate an API key",
      description:
        "Creates an API key and writes it to a new file of mode 600 in the server's key folder (a credentials file for xsiam-keys --credentials, node --env-file or a shell). Returns the id, the file's path and the expiry. The key itself is never returned: hand the file to what needs the key.",
      inputSchema: z.strictObject({
        roles: z
          .array(z.string().min(1).max(200))
          .min(1)
          .max(50)
          .describe("role names, as in the console (e.g. Viewer); at least one"),
        security_level: z
          .enum(["advanced", "standard"])
          .optional()
          .describe("advanced (the default): every request is signed; standard: the key is sent as it is"),
        expires_in_days: expiresInDays
          .optional()
          .describe("days until the key stops working, at most 180; the service's default is 7"),
        comment: z.string().max(1000).optional().describe("a note stored with the key: who or what uses it"),
      }),
      outputSchema: {
        id: z.number().int(),
        file: z.string().describe("the new file holding the key, mode 600"),
        securityLevel: z.enum(["advanced", "standard"]),
        expiresAt: z
          .string()
          .nullable()
          .describe("ISO 8601, as the service lists the key; null if it could not be read"),
      },
      annotations: CREATES,
    },
    (input, extra) =>
      run("generate_api_key")(async () => {
        checkKeyDir();
        const stopped = () => extra.signal.aborted || signal?.aborted === true;
        if (stopped()) throw new ToolError("cancelled before anything was sent");
        const securityLevel = input.security_level ?? "advanced";
        const progress = progressOf(extra);
        const tries = trackMarkers("generate_api_key", "its key");
        // Not stopped by a cancelled call or a stopping server: a generate sent may mint a key, and
        // only its reply holds the key. The try in flight runs to its end (the client waits for a
        // late key, and deletes a key it cannot have), and the key goes to its file whoever still
        // listens; no other try is sent once the call is stopped. Each marker is in the log before
        // its request goes, and pending until the call is over, for a stop that cannot wait.
        try {
          const key = await client.apiKeys.generate(
            {
              roles: input.roles,
              securityLevel,
              ...(input.expires_in_days !== undefined && {
                expiration: Math.round(Date.now() + input.expires_in_days * DAY),
              }),
              ...(input.comment !== undefined && { comment: input.comment }),
            },
            {
              onSend: ({ marker, attempt }) => {
                if (attempt > 1 && stopped())
                  throw new ToolError("the call was stopped: no other try is sent");
                tries.sending(marker, attempt);
              },
              onWait: ({ marker, waitedMs, windowMs, closed }) =>
                progress(
                  closed
                    ? `no key with ${marker} appeared within ${Math.round(windowMs / 1000)} s`
                    : `the service may still create the key: looking for ${marker}, ${Math.round((windowMs - waitedMs) / 1000)} s left`,
                ),
            },
          );
          redactor.add(key.key);
          const file = await store(key, securityLevel);
          log(`generate_api_key: key ${key.id} written to ${escapeText(file)}`);
          // The expiry as the service has it (its default, or a rounded one); the key exists either way.
          const listed = await client.apiKeys.get(key.id).catch(() => undefined);
          return ok(
            `Key ${key.id} was created and written to the file below (mode 600). The key itself is not shown: hand the file to what needs it.`,
            {
              id: key.id,
              file,
              securityLevel,
              expiresAt: listed?.expiresAt ? listed.expiresAt.toISOString() : null,
            },
          );
        } finally {
          tries.done();
        }
      }),
  );

  server.registerTool(
    "rotate_api_key",
    {
      title: "Rotate an API key",
      description:
        "Replaces a key: a new key with the old one's roles, level and comment, written to a new file of mode 600 in the server's key folder, and checked. The old key is kept, since what uses it has not been given the new file yet: hand that file over, then delete the old key with delete_api_keys.",
      inputSchema: z.strictObject({
        id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe("the id of the key to replace"),
        expires_in_days: expiresInDays
          .optional()
          .describe("days until the new key stops working, at most 180; by default the old key's lifetime"),
      }),
      outputSchema: {
        oldId: z.number().int(),
        newId: z.number().int(),
        file: z.string().describe("the new file holding the new key, mode 600"),
        expiresAt: z.string(),
        oldDeleted: z.boolean(),
        next: z.string(),
      },
      annotations: CREATES,
    },
    (input, extra) =>
      run("rotate_api_key")(async () => {
        if (input.id === ownKeyId) {
          throw new ToolError(
            `key ${ownKeyId} is the key this server runs on: it cannot rotate itself here; nothing was changed`,
            OWN_KEY_HINT(ownKeyId),
            { refused: [ownKeyId] },
          );
        }
        checkKeyDir();
        let file: string | undefined;
        const tries = trackMarkers("rotate_api_key", `key ${input.id}'s new key`);
        const progress = progressOf(extra);
        // A cancelled call or a stopping server stops the rotation, which undoes what it did (a
        // generate already sent is waited for and its key deleted); its error names what is left.
        const result = await client.apiKeys
          .rotate(input.id, {
            keepOld: true,
            signal: callSignal(extra.signal, signal),
            onProgress: (event) => {
              if (event.kind === "sending") {
                tries.sending(event.marker, event.attempt);
              } else if (event.kind === "step") progress(`step ${event.index} of 5: ${event.step}`);
              else if (event.kind === "waiting" && !event.closed) {
                progress(`the service may still create the new key: looking for ${event.marker}`);
              }
            },
            ...(input.expires_in_days !== undefined && {
              expiresAt: Math.round(Date.now() + input.expires_in_days * DAY),
            }),
            handOver: async (key, { oldKey }) => {
              redactor.add(key.key);
              const path = fileFor(keyDir, key.id);
              const written = writeNewKeyFile(path, key, oldKey.securityLevel, connection, FROM);
              file = path;
              return {
                undo: async () => {
                  written.undo();
                  file = undefined;
                },
              };
            },
          })
          .finally(() => tries.done());
        // rotate() resolves only after the hand-over, which names the file.
        const path = file ?? "";
        log(
          `rotate_api_key: key ${result.oldId} → key ${result.newId}, written to ${escapeText(path)}; key ${result.oldId} kept`,
        );
        return ok(
          `Key ${result.oldId} was rotated: new key ${result.newId} is in the file below and authenticates. Key ${result.oldId} is kept.`,
          {
            oldId: result.oldId,
            newId: result.newId,
            file: path,
            expiresAt: result.expiresAt.toISOString(),
            oldDeleted: result.oldDeleted,
            next: `Hand the file to what uses key ${result.oldId}; once it runs on key ${result.newId}, delete key ${result.oldId} with delete_api_keys (ids and confirm_ids both [${result.oldId}]).`,
          },
        );
      }),
  );

  server.registerTool(
    "delete_api_keys",
    {
      title: "Delete API keys",
      description:
        "Deletes keys, for good. confirm_ids must hold the same ids as ids; without it, nothing is deleted and the keys that would be are listed. Where the MCP client can ask the person (elicitation), the person confirms each delete. The server's own key is never deleted.",
      inputSchema: z.strictObject({
        ids: z
          .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
          .min(1)
          .max(100)
          .describe("the ids of the keys to delete"),
        confirm_ids: z
          .array(z.number().int().positive().max(Number.MAX_SAFE_INTEGER))
          .max(100)
          .optional()
          .describe("the same ids again, once the keys to delete were checked"),
      }),
      outputSchema: {
        deleted: z.array(z.number().int()),
        updateCount: z.number().int(),
        confirmedBy: z.enum(["person", "confirm_ids"]),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    (input, extra) =>
      run("delete_api_keys")(async () => {
        const ids = [...new Set(input.ids)];
        if (ids.includes(ownKeyId)) {
          throw new ToolError(
            `key ${ownKeyId} is the key this server runs on: it is never deleted here; nothing was deleted`,
            OWN_KEY_HINT(ownKeyId),
            { refused: [ownKeyId] },
          );
        }
        const each = callSignal(extra.signal, signal);
        const keys = await client.apiKeys.list({ ids }, { signal: each });
        const missing = ids.filter((id) => !keys.some((key) => key.id === id));
        if (missing.length > 0) {
          throw new ToolError(
            `no key with id ${missing.join(", ")}; nothing was deleted`,
            "check the ids with list_api_keys",
            {
              missing,
            },
          );
        }
        const wouldDelete = keys.map((key) => ({
          id: key.id,
          securityLevel: key.securityLevel,
          roles: key.roles.map(serviceText),
          comment: key.comment === null ? null : serviceText(key.comment),
          expiresAt: key.expiresAt ? key.expiresAt.toISOString() : null,
        }));
        const confirmed = new Set(input.confirm_ids ?? []);
        if (confirmed.size !== ids.length || !ids.every((id) => confirmed.has(id))) {
          throw new ToolError(
            `not deleted: confirm_ids must hold the same ids as ids (${ids.join(", ")})`,
            "check the keys below, then call again with confirm_ids",
            { wouldDelete },
          );
        }
        let confirmedBy: "person" | "confirm_ids" = "confirm_ids";
        // Form elicitation: declared as `form`, or as an empty `elicitation` (before modes existed).
        const elicitation = server.server.getClientCapabilities()?.elicitation;
        if (elicitation && (elicitation.form !== undefined || elicitation.url === undefined)) {
          const one = ids.length === 1;
          let answer: Awaited<ReturnType<typeof server.server.elicitInput>>;
          try {
            answer = await server.server.elicitInput(
              {
                message: redactor.redact(
                  `Delete ${one ? "this API key" : `these ${ids.length} API keys`} at ${client.baseUrl}, for good?\n${wouldDelete
                    .map(
                      (key) =>
                        `- key ${key.id} (${key.securityLevel}; roles ${key.roles.map(quoted).join(", ")}; comment ${quoted(key.comment)}; expires ${key.expiresAt ?? "never"})`,
                    )
                    .join("\n")}`,
                ),
                requestedSchema: {
                  type: "object",
                  properties: {
                    confirm: {
                      type: "boolean",
                      title: `Delete ${one ? `key ${ids[0]}` : `keys ${ids.join(", ")}`}`,
                      description: `Yes deletes ${one ? "it; it stops" : "them; they stop"} working at once.`,
                    },
                  },
                  required: ["confirm"],
                },
              },
              { signal: each, timeout: 10 * 60_000 },
            );
          } catch (error) {
            // No answer (the client failed, the wait timed out, the call was cancelled): no delete.
            throw new ToolError(
              `not deleted: asking the person failed (${error instanceof Error ? escapeText(error.message.slice(0, 200)) : "no answer"})`,
              "ask the person in the chat, or delete with xsiam-keys delete",
              { wouldDelete },
            );
          }
          if (answer.action !== "accept" || answer.content?.confirm !== true) {
            throw new ToolError(
              `not deleted: the person did not confirm (${answer.action === "accept" ? "answered no" : answer.action === "decline" ? "declined" : "cancelled"})`,
              undefined,
              { wouldDelete },
            );
          }
          confirmedBy = "person";
        }
        const { updateCount } = await client.apiKeys.delete(ids, { signal: each });
        log(
          `delete_api_keys: deleted key${ids.length === 1 ? "" : "s"} ${ids.join(", ")} (confirmed by ${confirmedBy === "person" ? "the person" : "confirm_ids"})`,
        );
        return ok(`Deleted ${updateCount} key${updateCount === 1 ? "" : "s"}: ${ids.join(", ")}.`, {
          deleted: ids,
          updateCount,
          confirmedBy,
        });
      }),
  );
}
