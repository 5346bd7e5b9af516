import type { HttpResponse } from "./transport.js";

/** What a caller may see of the HTTP response an answer came in: never the request, so never the credentials. */
export interface ResponseInfo {
  /** The HTTP status code. */
  readonly status: number;
  /** The response headers, names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The id the server gave the request (its request-id header), to quote to the API's support; undefined when none. */
  readonly requestId: string | undefined;
}

/** An answer beside the response it came in. */
export interface WithResponse<T> {
  readonly data: T;
  readonly response: ResponseInfo;
}

/** A decoded result beside the raw response it came in, before anyone asks what the response was. */
export interface Exchanged<T> {
  readonly data: T;
  readonly response: HttpResponse;
}

/** What a caller may see of a raw response (the client redacts its credentials). */
export type DescribeResponse = (response: HttpResponse) => ResponseInfo;

/**
 * The promise every generated method answers: awaited, it is the decoded result, as any promise; `withResponse()`
 * answers the result beside the response's status, headers and request id. The request starts at once either way.
 *
 * The result settles this promise only once someone asks for it (then, catch, finally or await): a caller who only
 * awaits `withResponse()` leaves no rejected promise behind to be reported as unhandled.
 */
export class ApiPromise<T> extends Promise<T> {
  // Derived promises (then, catch, finally) are plain promises: only the call's own promise has withResponse.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #answer: Promise<Exchanged<T>> | undefined;
  readonly #describe: DescribeResponse | undefined;
  #settle: ((value: T) => void) | undefined;
  #fail: ((error: unknown) => void) | undefined;

  /**
   * `answer`: the call's result beside its raw response, which `describe` turns into what `withResponse()` shows,
   * only when asked. (An executor, as in `new Promise(executor)`, is what Promise's static methods pass when called
   * on this class, `ApiPromise.resolve(value)` say: that makes a plain promise.)
   */
  constructor(
    answer: Promise<Exchanged<T>> | ((resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void),
    describe?: DescribeResponse,
  ) {
    if (typeof answer === "function") {
      super(answer);
      return;
    }
    let settle!: (value: T) => void;
    let fail!: (error: unknown) => void;
    super((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    this.#answer = answer;
    this.#describe = describe;
    this.#settle = settle;
    this.#fail = fail;
  }

  /** The result beside the HTTP response it came in. */
  withResponse(): Promise<WithResponse<T>> {
    const describe = this.#describe;
    if (this.#answer === undefined || describe === undefined) {
      return Promise.reject(new TypeError("withResponse() is for the promise a client method answers; this one was made by a Promise method"));
    }
    return this.#answer.then(({ data, response }) => ({ data, response: describe(response) }));
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    // `any`, as Promise's own then: callers write `(error: ApiError) => ...`.
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const settle = this.#settle;
    if (settle !== undefined) {
      this.#settle = undefined;
      this.#answer!.then(({ data }) => settle(data), this.#fail);
      this.#fail = undefined;
    }
    return super.then(onFulfilled, onRejected);
  }
}
