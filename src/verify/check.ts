// The outcome of one verification step. Steps never throw for bad input: they return a Failure carrying the
// RejectionCode, and verifyDocument turns the first Failure into a Rejected result.

import type { RejectionCode } from './types.ts';

export interface Failure {
  readonly ok: false;
  readonly code: RejectionCode;
  /** one sentence naming the bad field, file or certificate. */
  readonly message: string;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Check<T> = Success<T> | Failure;

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail(code: RejectionCode, message: string): Failure {
  return { ok: false, code, message };
}
