// The client's input checks and the spec's JSON Schemas agree on what is accepted: for every
// operation, thousands of generated inputs (fast-check) go through the client's check and body
// builder (camelCase and Dates in, the wire body out), and through a plain mapping of the same input
// to a wire body, which Ajv validates against the spec's request schema. Where they differ, the
// case must be one of the named exceptions below; a spec edit the client does not follow (or the
// reverse) fails this test.
import { readFileSync } from "node:fs";
import { specFile } from "@xsiam-sdk/test-support";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { XsiamValidationError } from "../src/index.js";
import {
  checkedFilter,
  deleteBody,
  generateBody,
  listBody,
  sixMonthsAfter,
} from "../src/internal/validate.js";

const RUNS = 10_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const SIX_MONTHS = sixMonthsAfter(NOW);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const spec = parse(readFileSync(specFile, "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: false });
ajv.addFormat("int64", true);
ajv.addSchema(spec, "openapi.json");
const schemaOf = (name: string) => ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
const validGenerate = schemaOf("GenerateApiKeyRequest");
const validDelete = schemaOf("DeleteApiKeysRequest");
const validList = schemaOf("GetApiKeysRequest");

/** A Date as its epoch milliseconds, at any depth: what the client sends for one. */
const times = (value: unknown): unknown =>
  value instanceof Date
    ? value.getTime()
    : Array.isArray(value)
      ? value.map(times)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, times(item)]))
        : value;

/** What goes over the wire for a value: JSON, with Dates as epoch milliseconds. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(times(value)) ?? "null");

/** Whether the client's check accepts: it builds the body, or throws its validation error. */
function clientAccepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (error) {
    if (error instanceof XsiamValidationError) return false;
    throw error;
  }
}

// Values of every kind a caller might pass by mistake, beside the right ones.
const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 6 }),
  fc.double(),
  fc.integer(),
  fc.constant([]),
  fc.constant({}),
);
// Each value is right more often than not, so that accepting is tried as much as refusing.
const validRole = fc.constantFrom("Viewer", "Instance Administrator", "Responder", "é", "!");
const roleName = fc.oneof(
  { arbitrary: validRole, weight: 4 },
  { arbitrary: fc.constantFrom("", " ", "\t", " Viewer "), weight: 1 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
  { arbitrary: anything, weight: 1 },
);
const roleList = fc.oneof(
  { arbitrary: fc.array(validRole, { minLength: 1, maxLength: 3 }), weight: 4 },
  { arbitrary: fc.array(roleName, { maxLength: 3 }), weight: 2 },
  { arbitrary: anything, weight: 1 },
);
const epochMs = fc.oneof(
  { arbitrary: fc.integer({ min: NOW + 1, max: SIX_MONTHS }), weight: 3 },
  { arbitrary: fc.date({ min: new Date(NOW + 1), max: new Date(SIX_MONTHS) }), weight: 2 },
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: fc.integer({ min: NOW - 10 * 86_400_000, max: SIX_MONTHS + 10 * 86_400_000 }), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 2e10 }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      NOW,
      NOW + 1,
      SIX_MONTHS,
      SIX_MONTHS + 1,
      0,
      1,
      -1,
      MAX_SAFE,
      MAX_SAFE + 2,
      1.5,
      Number.NaN,
    ),
    weight: 1,
  },
  { arbitrary: fc.constant(new Date(Number.NaN)), weight: 1 },
  { arbitrary: anything, weight: 1 },
);
const keyId = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 1_000 }), weight: 4 },
  { arbitrary: fc.integer({ min: -5, max: 0 }), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      0,
      -0,
      1,
      1.5,
      MAX_SAFE,
      MAX_SAFE + 2,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "12",
    ),
    weight: 1,
  },
  { arbitrary: anything, weight: 1 },
);
const level = fc.oneof(
  { arbitrary: fc.constantFrom("advanced", "standard", undefined), weight: 4 },
  { arbitrary: fc.constantFrom("Advanced", " standard", ""), weight: 1 },
  { arbitrary: anything, weight: 1 },
);
const comment = fc.oneof(
  { arbitrary: fc.oneof(fc.string({ maxLength: 10 }), fc.constant(undefined)), weight: 4 },
  { arbitrary: anything, weight: 1 },
);
/** A field name the client does not know, and that is not a wire name either. */
const unknownField = fc.constantFrom("extra", "expiresAt", "roleNames", "owner");

const withUnknown = <T extends object>(record: fc.Arbitrary<T>) =>
  fc
    .tuple(
      record,
      // One input in eight has a field the client does not know.
      fc.oneof(
        { arbitrary: fc.constant(null), weight: 7 },
        { arbitrary: fc.tuple(unknownField, anything), weight: 1 },
      ),
    )
    .map(([input, extra]) => (extra ? { ...input, [extra[0]]: extra[1] } : input));

type Exception = (input: Record<string, unknown>) => string | undefined;

/**
 * Runs the differential: every input where the client and the spec disagree must be named by one
 * of `exceptions`, with the client the stricter one. Returns how often each exception applied.
 */
function differential(
  inputs: fc.Arbitrary<Record<string, unknown>>,
  client: (input: Record<string, unknown>) => boolean,
  specAccepts: (input: Record<string, unknown>) => boolean,
  exceptions: readonly Exception[],
): Record<string, number> {
  const seen: Record<string, number> = { agreed: 0, "both accept": 0 };
  fc.assert(
    fc.property(inputs, (input) => {
      const byClient = client(input);
      const bySpec = specAccepts(input);
      if (byClient === bySpec) {
        seen.agreed = (seen.agreed ?? 0) + 1;
        if (byClient) seen["both accept"] = (seen["both accept"] ?? 0) + 1;
        return true;
      }
      const named = exceptions.map((exception) => exception(input)).find(Boolean);
      if (named === undefined || byClient) return false;
      seen[named] = (seen[named] ?? 0) + 1;
      return true;
    }),
    { numRuns: RUNS, seed: 20_20 },
  );
  return seen;
}

const msOf = (value: unknown): number | undefined => {
  const ms = value instanceof Date ? value.getTime() : value;
  return typeof ms === "number" && Number.isSafeInteger(ms) ? ms : undefined;
};

describe("the client's checks and the spec agree, but for named exceptions", () => {
  test(`generate: ${RUNS} inputs`, () => {
    const inputs = withUnknown(
      fc.record(
        { roles: roleList, securityLevel: level, expiration: epochMs, comment },
        { requiredKeys: ["roles"] },
      ),
    );
    const seen = differential(
      inputs,
      (input) => clientAccepts(() => generateBody(input as never, NOW)),
      (input) => {
        const { roles, securityLevel, expiration, comment, ...rest } = input;
        // The plain mapping: camelCase to the wire's names, the level's default (the client always sends one).
        const body = wire({
          request_data: {
            roles,
            security_level: securityLevel === undefined ? "advanced" : securityLevel,
            expiration,
            comment,
            ...rest,
          },
        });
        return validGenerate(body) === true;
      },
      [
        // Relative to the time of the call: the spec can only say "a time in epoch milliseconds".
        (input) => {
          const ms = msOf(input.expiration);
          return ms !== undefined && ms >= 1 && (ms <= NOW || ms > SIX_MONTHS)
            ? "an expiration not in the future, or more than six months ahead"
            : undefined;
        },
      ],
    );
    console.log(`differential, generate: ${JSON.stringify(seen)}`);
    expect(seen.agreed).toBeGreaterThan(RUNS / 2);
    // Enough valid inputs, so that accepting is tried as much as refusing.
    expect(seen["both accept"]).toBeGreaterThan(RUNS / 20);
  });

  test(`delete: ${RUNS} inputs`, () => {
    const inputs = fc
      .oneof({ arbitrary: fc.array(keyId, { maxLength: 4 }), weight: 4 }, { arbitrary: anything, weight: 1 })
      .map((ids) => ({ ids }) as Record<string, unknown>);
    const seen = differential(
      inputs,
      (input) => clientAccepts(() => deleteBody(input.ids as never)),
      (input) =>
        validDelete(
          wire({ request_data: { filters: [{ field: "id", operator: "in", value: input.ids }] } }),
        ) === true,
      [],
    );
    console.log(`differential, delete: ${JSON.stringify(seen)}`);
    expect(seen.agreed).toBe(RUNS);
    expect(seen["both accept"]).toBeGreaterThan(RUNS / 20);
  });

  test(`list: ${RUNS} filters`, () => {
    const inputs = withUnknown(
      fc.record(
        {
          ids: fc.oneof(
            { arbitrary: fc.array(keyId, { maxLength: 3 }), weight: 4 },
            { arbitrary: anything, weight: 1 },
          ),
          roles: roleList,
          expiresAfter: epochMs,
          expiresBefore: epochMs,
        },
        { requiredKeys: [] },
      ),
    );
    const seen = differential(
      inputs,
      (input) => clientAccepts(() => listBody(checkedFilter(input as never))),
      (input) => {
        const { ids, roles, expiresAfter, expiresBefore, ...rest } = input;
        // The plain mapping: one filter per field given, one per role (the filters are combined with AND).
        const filters = [
          ...(ids === undefined ? [] : [{ field: "id", operator: "in", value: ids }]),
          ...(roles === undefined
            ? []
            : Array.isArray(roles)
              ? roles.map((role) => ({ field: "roles", operator: "contains", value: [role] }))
              : [{ field: "roles", operator: "contains", value: roles }]),
          ...(expiresAfter === undefined
            ? []
            : [{ field: "expiration", operator: "gte", value: expiresAfter }]),
          ...(expiresBefore === undefined
            ? []
            : [{ field: "expiration", operator: "lte", value: expiresBefore }]),
        ];
        return validList(wire({ request_data: { filters, ...rest } })) === true;
      },
      [
        // Across two fields: a JSON Schema of the filters cannot compare two of them.
        (input) => {
          const [after, before] = [msOf(input.expiresAfter), msOf(input.expiresBefore)];
          return after !== undefined && before !== undefined && after > before
            ? "expiresAfter later than expiresBefore"
            : undefined;
        },
        // A number that would be a time in 1970 as milliseconds, and is a time of now as seconds.
        (input) =>
          [input.expiresAfter, input.expiresBefore].some((value) => {
            const ms = msOf(value);
            return ms !== undefined && ms >= 1e9 && ms < 1e11;
          })
            ? "epoch seconds given as milliseconds"
            : undefined,
        // No roles at all: the client refuses the empty list; on the wire it would be no filter.
        (input) =>
          Array.isArray(input.roles) && input.roles.length === 0 ? "an empty list of roles" : undefined,
      ],
    );
    console.log(`differential, list: ${JSON.stringify(seen)}`);
    expect(seen.agreed).toBeGreaterThan(RUNS / 2);
    expect(seen["both accept"]).toBeGreaterThan(RUNS / 20);
  });
});

test("the differential fails when the two disagree: a spec that takes any role name", () => {
  // The spec without the rule the client follows (a role name is not only white space).
  const loose = structuredClone(spec);
  delete loose.components.schemas.GenerateApiKeyRequest.properties.request_data.properties.roles.items
    .pattern;
  const check = new Ajv2020({ strict: false });
  check.addFormat("int64", true);
  check.addSchema(loose, "loose.json");
  const looseGenerate = check.compile({ $ref: "loose.json#/components/schemas/GenerateApiKeyRequest" });
  const input = { roles: [" "] };
  expect(clientAccepts(() => generateBody(input as never, NOW))).toBe(false);
  expect(looseGenerate(wire({ request_data: { roles: [" "], security_level: "advanced" } }))).toBe(true);
  expect(validGenerate(wire({ request_data: { roles: [" "], security_level: "advanced" } }))).toBe(false);
});
