// The request bodies of the three endpoints, checked as spec/openapi.yaml describes them. A body
// that breaks the schema gets the service's 400; what each check returns is what the handler needs.

/** A checked generate body. */
export interface GenerateRequest {
  readonly roles: readonly string[];
  readonly securityLevel: "advanced" | "standard";
  readonly expiration: number | undefined;
  readonly comment: string | undefined;
}

/** One filter of a list request. */
export type ListFilter =
  | { readonly field: "expiration"; readonly operator: "gte" | "lte"; readonly value: number }
  | { readonly field: "roles"; readonly operator: "contains"; readonly value: readonly string[] }
  | { readonly field: "id"; readonly operator: "in"; readonly value: readonly number[] };

/** A checked list body. */
export interface ListRequest {
  readonly filters: readonly ListFilter[];
  readonly searchFrom: number | undefined;
  readonly searchTo: number | undefined;
}

/** What makes a body invalid, said the way the service's `err_extra` would. */
export class InvalidBody extends Error {}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isInteger = (value: unknown, minimum: number): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= minimum;
const isName = (value: unknown): value is string => typeof value === "string" && value.length > 0;

function fail(message: string): never {
  throw new InvalidBody(message);
}

/** `value` as an object with only `allowed` properties, or a failure naming `where`. */
function objectOf(value: unknown, where: string, allowed: readonly string[]): Json {
  if (!isObject(value)) fail(`${where} must be an object`);
  for (const name of Object.keys(value)) {
    if (!allowed.includes(name)) fail(`${where} has an unknown property ${JSON.stringify(name)}`);
  }
  return value;
}

/** The `request_data` of a body. */
function requestData(body: unknown, allowed: readonly string[]): Json {
  const outer = objectOf(body, "the body", ["request_data"]);
  if (!("request_data" in outer)) fail("request_data is required");
  return objectOf(outer.request_data, "request_data", allowed);
}

function idsOf(value: unknown, where: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((id) => isInteger(id, 1))) {
    fail(`${where} must be a non-empty list of positive integer ids`);
  }
  return value;
}

function filterOf(value: unknown, index: number): ListFilter {
  const where = `request_data.filters[${index}]`;
  const filter = objectOf(value, where, ["field", "operator", "value"]);
  const { field, operator, value: operand } = filter;
  if (field === "id" && operator === "in")
    return { field, operator, value: idsOf(operand, `${where}.value`) };
  if (field === "roles" && operator === "contains") {
    if (!Array.isArray(operand) || operand.length === 0 || !operand.every(isName)) {
      fail(`${where}.value must be a non-empty list of role names`);
    }
    return { field, operator, value: operand };
  }
  if (field === "expiration" && (operator === "gte" || operator === "lte")) {
    if (!isInteger(operand, 0)) fail(`${where}.value must be epoch milliseconds`);
    return { field, operator, value: operand };
  }
  return fail(`${where} pairs field ${JSON.stringify(field)} with operator ${JSON.stringify(operator)}`);
}

/** A generate body, checked. */
export function generateRequest(body: unknown): GenerateRequest {
  const data = requestData(body, ["roles", "security_level", "expiration", "comment"]);
  const { roles, security_level: level, expiration, comment } = data;
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isName)) {
    fail("request_data.roles must be a non-empty list of role names");
  }
  if (level !== "advanced" && level !== "standard") {
    fail('request_data.security_level must be "standard" or "advanced"');
  }
  if (expiration !== undefined && !isInteger(expiration, 1))
    fail("request_data.expiration must be epoch milliseconds");
  if (comment !== undefined && typeof comment !== "string") fail("request_data.comment must be a string");
  return { roles, securityLevel: level, expiration, comment };
}

/** The ids of a delete body, checked. */
export function deleteRequest(body: unknown): number[] {
  const { filters } = requestData(body, ["filters"]);
  if (!Array.isArray(filters) || filters.length === 0) fail("request_data.filters must be a non-empty list");
  return filters.flatMap((value, index) => {
    const filter = filterOf(value, index);
    if (filter.field !== "id") fail(`request_data.filters[${index}] must filter by id`);
    return filter.value;
  });
}

/** A list body, checked. */
export function listRequest(body: unknown): ListRequest {
  const data = requestData(body, ["filters", "search_from", "search_to"]);
  const { filters = [], search_from: searchFrom, search_to: searchTo } = data;
  if (!Array.isArray(filters)) fail("request_data.filters must be a list");
  for (const [name, value] of [
    ["search_from", searchFrom],
    ["search_to", searchTo],
  ] as const) {
    if (value !== undefined && !isInteger(value, 0))
      fail(`request_data.${name} must be a non-negative integer`);
  }
  return {
    filters: filters.map(filterOf),
    searchFrom: searchFrom as number | undefined,
    searchTo: searchTo as number | undefined,
  };
}
