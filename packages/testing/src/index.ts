export {
  createFakeTenant,
  type Exchange,
  type FakeTenant,
  type FakeTenantOptions,
  type NewKey,
  type SecurityLevel,
  type TenantKey,
  type UsableKey,
} from "./fake-tenant.js";
export type { Fault, FaultControl, FaultSchedule, Operation } from "./faults.js";
