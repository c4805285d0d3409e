// The REST API's view of an HTTP exchange, independent of API Gateway or node:http: both front ends translate to it.

export interface ApiRequest {
  readonly method: string;
  /** The path without the stage prefix or query string, e.g. `/applications/shop`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The raw body; null when there is none. */
  readonly body: string | null;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text, or empty for 204. */
  readonly body: string;
}

/** The body of every error response. */
export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  /** The request field at fault, dotted (`revision.s3Location.bucket`), when one is. */
  readonly field?: string;
}
