// The client's runtime, the same for every service backend-gen writes: requests over
// `fetch`, the signed-in session and its refresh, the contract's errors, and pages.

/** What a request answered: its body, status, `ETag` (for `ifMatch`) and headers. */
export type Answer<T> = {
  data: T;
  status: number;
  etag: string | null;
  headers: Headers;
};

/** A signed-in session: the access token sent as `Authorization: Bearer`, and the refresh
 * token traded for the next pair when it expires. */
export type Tokens = {
  accessToken: string;
  refreshToken: string;
};

export type ClientOptions = {
  /** The service's address, without the API prefix (`https://api.example.com`). */
  baseUrl: string;
  /** A session to start with (one kept from an earlier run). */
  session?: Tokens | null;
  /** Told of every new session (after a sign-in or a refresh) and of its end (`null`):
   * where an app keeps it. */
  onSession?: (session: Tokens | null) => void;
  /** `fetch` to call instead of the global one (tests, or a runtime without one). */
  fetch?: typeof fetch;
};

/** What every method takes besides its own parameters. */
export type RequestOptions = {
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal | undefined;
};

type QueryValue = string | number | boolean | null | undefined;

type SendInit = {
  /** Sent with the session's bearer token, and retried once after a refresh on a 401. */
  auth: boolean;
  query?: { [key: string]: QueryValue } | undefined;
  body?: unknown;
  /** A file's bytes, sent as they are with their type (an upload). */
  bytes?: { contentType: string; data: Blob | Uint8Array<ArrayBuffer> };
  /** The answer is a file's bytes, of any type (a download). */
  binary?: boolean;
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal | undefined;
};

/** One problem with one body key or query parameter. */
type Problem = { field: string; message: string };

/** A refusal or failure, as the service's error body describes it (`code` is the contract's:
 * `VALIDATION_ERROR`, `PRECONDITION_FAILED`...; `details` name the keys at fault). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly code: string;
  readonly details: Problem[];
  readonly requestId: string | null;

  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const error = (body as { error?: { code?: string; message?: string; details?: Problem[]; requestId?: string } } | null)?.error;
    super(error?.message ?? `HTTP ${status}`);
    this.code = error?.code ?? (status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST");
    this.details = error?.details ?? [];
    this.requestId = error?.requestId ?? null;
  }
}

/** A new `Idempotency-Key`: send the same one again to retry a create without making two. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** The HTTP side of every method: one place for the session, its refresh and errors. */
export class Client {
  session: Tokens | null;
  private readonly baseUrl: string;
  private readonly fetcher: typeof fetch;
  private readonly onSession: ((session: Tokens | null) => void) | undefined;
  /** The refresh in flight: concurrent 401s wait for one refresh, not one each. */
  private refreshing: Promise<boolean> | null = null;

  constructor(
    options: ClientOptions,
    private readonly refreshPath: string | null,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.session = options.session ?? null;
    this.fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.onSession = options.onSession;
  }

  /** Keeps a new token pair (a sign-in's or a refresh's). */
  remember(pair: Tokens): void {
    this.session = { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
    this.onSession?.(this.session);
  }

  /** Drops the session (after a sign-out, or a refresh the service refused). */
  forget(): void {
    this.session = null;
    this.onSession?.(null);
  }

  /** Sends a request; a 401 to a signed-in call refreshes the session once and retries. */
  async send<T>(method: string, path: string, init: SendInit): Promise<Answer<T>> {
    const sentWith = this.session?.accessToken;
    let response = await this.attempt(method, path, init);
    if (response.status === 401 && init.auth && sentWith !== undefined) {
      if (await this.refresh(sentWith)) {
        response = await this.attempt(method, path, init);
      }
    }
    return this.answer<T>(response, init.binary === true);
  }

  /** Trades the refresh token for a new pair; `false` (and no session) if refused. */
  async refresh(staleToken?: string): Promise<boolean> {
    if (this.session === null || this.refreshPath === null) {
      return false;
    }
    // Another call refreshed while this one waited: use its pair.
    if (staleToken !== undefined && this.session.accessToken !== staleToken) {
      return true;
    }
    this.refreshing ??= this.trade(this.session.refreshToken).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async trade(refreshToken: string): Promise<boolean> {
    const response = await this.attempt("POST", this.refreshPath ?? "", { auth: false, body: { refreshToken } });
    if (!response.ok) {
      this.forget();
      return false;
    }
    this.remember((await response.json()) as Tokens);
    return true;
  }

  /** The service's URL of `path` with `query`: for a call, or a page the browser navigates to. */
  url(path: string, query?: { [key: string]: QueryValue }): string {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) {
        url.searchParams.set(key, String(value));
      }
    }
    return url.toString();
  }

  private attempt(method: string, path: string, init: SendInit): Promise<Response> {
    const url = this.url(path, init.query);
    const headers = new Headers({ accept: init.binary === true ? "*/*" : "application/json, text/plain" });
    for (const [key, value] of Object.entries(init.headers ?? {})) {
      if (value !== undefined) {
        headers.set(key, value);
      }
    }
    if (init.auth && this.session !== null) {
      headers.set("authorization", `Bearer ${this.session.accessToken}`);
    }
    const request: RequestInit = { method, headers };
    if (init.body !== undefined) {
      headers.set("content-type", "application/json");
      request.body = JSON.stringify(init.body);
    }
    if (init.bytes !== undefined) {
      headers.set("content-type", init.bytes.contentType);
      request.body = init.bytes.data;
    }
    if (init.signal !== undefined) {
      request.signal = init.signal;
    }
    return this.fetcher(url, request);
  }

  private async answer<T>(response: Response, binary: boolean): Promise<Answer<T>> {
    if (binary && response.ok) {
      const data = new Uint8Array(await response.arrayBuffer());
      return { data: data as T, status: response.status, etag: response.headers.get("etag"), headers: response.headers };
    }
    const text = await response.text();
    const json = (response.headers.get("content-type") ?? "").includes("json");
    const body: unknown = text === "" ? undefined : json ? JSON.parse(text) : text;
    if (response.status === 304) {
      return { data: null as T, status: 304, etag: response.headers.get("etag"), headers: response.headers };
    }
    if (!response.ok) {
      throw new ApiError(response.status, body ?? null);
    }
    return { data: body as T, status: response.status, etag: response.headers.get("etag"), headers: response.headers };
  }
}

/** A list page as the service writes it. */
type Page<T> = { data: T[]; pagination: { nextCursor?: string | null } };

/** Every row of a list, a page at a time: `page` fetches the page after `cursor`. */
export async function* paginate<T>(page: (cursor: string | undefined) => Promise<Answer<Page<T>>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    yield* answer.data.data;
    cursor = answer.data.pagination.nextCursor ?? undefined;
  } while (cursor !== undefined);
}
