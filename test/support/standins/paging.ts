// AWS-style paging for the stand-ins' list APIs: MaxResults within the API's bounds, and an opaque NextToken that
// is the offset of the next page.
import { AwsServiceError } from './aws-json-server';

/** MaxResults, or `max` when the caller gave none; anything outside [min, max] is refused as the service does. */
export function pageSize(value: unknown, min: number, max: number): number {
  if (value === undefined) return max;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AwsServiceError('ValidationException', `MaxResults must be between ${min} and ${max}`);
  }
  return value;
}

export function paginate<T>(items: readonly T[], token: unknown, size: number): { page: T[]; nextToken?: string } {
  const start = token === undefined ? 0 : Number.parseInt(Buffer.from(String(token), 'base64').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('InvalidNextToken', 'The NextToken is not valid');
  const end = start + size;
  return { page: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}) };
}
