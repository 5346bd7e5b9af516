import type { IrApi } from "../ir.js";

/**
 * Whether the client has offline mode: the `offline` option, which a capability brings (flag checks: the checks
 * answer from defaults) and the core honours (resource calls throw OfflineError, credentials are waived).
 */
export const hasOfflineOption = (api: IrApi): boolean => api.options.some((option) => option.name === "offline");
