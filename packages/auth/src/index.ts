export { type AuthOptionName, XsiamAuthError, XsiamError } from "./errors.js";
export type { RequestSigner } from "./internal/signer.js";
export { type AuthMiddleware, createAuthMiddleware } from "./middleware.js";
export { createNonce, type RandomBytes } from "./nonce.js";
export { described, meantValue, oneOf, ownCopy } from "./options.js";
export { createSigner, signRequest } from "./sign.js";
export type { AuthHeaders, AuthOptions, SecurityLevel } from "./types.js";
