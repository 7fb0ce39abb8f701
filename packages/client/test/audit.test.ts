import { expect, test } from "vitest";
import { type ApiKeyInfo, auditApiKeys, XsiamValidationError } from "../src/index.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const key = (id: number, expiresInDays: number | null, createdDaysAgo = 1): ApiKeyInfo => ({
  id,
  roles: ["Viewer"],
  securityLevel: "advanced",
  comment: null,
  marker: null,
  createdAt: new Date(NOW - createdDaysAgo * DAY),
  expiresAt: expiresInDays === null ? null : new Date(NOW + expiresInDays * DAY),
  createdBy: "N/A",
  userName: `Public API - ${id}`,
});

test("each kind, at its edges: expired at the second it expires, expiring within the window, never, too old", () => {
  const keys = [key(1, -1), key(2, 0), key(3, 14), key(4, 14.01), key(5, null), key(6, 100, 400)];
  expect(auditApiKeys(keys, { now: NOW }).map(({ id, kind }) => [id, kind])).toEqual([
    [1, "expired"],
    [2, "expired"],
    [3, "expiring"],
    [5, "no-expiry"],
  ]);
  expect(
    auditApiKeys(keys, { now: NOW, maxAgeMs: 365 * DAY, expiringWithinMs: DAY }).map(({ id, kind }) => [
      id,
      kind,
    ]),
  ).toEqual([
    [1, "expired"],
    [2, "expired"],
    [5, "no-expiry"],
    [6, "too-old"],
  ]);
  expect(auditApiKeys([key(7, null, 400)], { now: NOW, maxAgeMs: 30 * DAY }).map(({ kind }) => kind)).toEqual(
    ["no-expiry", "too-old"],
  );
});

test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("a window of %s is refused", (value) => {
  expect(() => auditApiKeys([], { expiringWithinMs: value })).toThrow(XsiamValidationError);
  expect(() => auditApiKeys([], { maxAgeMs: value })).toThrow(XsiamValidationError);
});
