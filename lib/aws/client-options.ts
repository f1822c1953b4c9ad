/**
 * The SDK options every AWS client of this project is built with. `cacheMiddleware` resolves a
 * command's middleware stack once per command type instead of on every call: the stacks never
 * change after start-up, and resolving them was a tenth of the SDK's CPU time per call.
 */
export const AWS_CLIENT_OPTIONS = { cacheMiddleware: true } as const;
