import { ApiError } from "./errors.js";

/**
 * A module imported when first asked for, then kept: how a resource's operation descriptors (and the model codecs they
 * use) stay out of the package's import until the resource is first called, so a client of a large API loads as
 * fast as one of a small API. A failed import fails the calls that asked for it and is tried again by the next one.
 */
export function loadOnFirstUse<Module>(what: string, load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      // The first line: a loader's message may go on with its require stack.
      const reason = (error instanceof Error ? error.message : String(error)).split("\n", 1)[0];
      throw new ApiError(`${what} could not be loaded (${reason}): is the package installed completely?`, { cause: error });
    }));
}
