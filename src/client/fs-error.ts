// FsError: a file-system operation failed with a POSIX errno. Carries the number
// (for the FUSE adapter, which answers -errno) and the symbolic code (for people).
import { constants } from 'node:os';

const codeByErrno = new Map<number, string>(
  Object.entries(constants.errno).map(([code, errno]) => [errno, code]),
);

/** 'ENOENT' for 2, 'EUNKNOWN' for numbers the platform does not name. */
export function errnoCode(errno: number): string {
  return codeByErrno.get(errno) ?? 'EUNKNOWN';
}

export class FsError extends Error {
  readonly errno: number;
  readonly code: string;

  /** `what` names the operation and its target, e.g. "lookup /a/b" or "read ino 7". */
  constructor(errno: number, what: string) {
    const code = errnoCode(errno);
    super(`${what}: ${code} (errno ${errno})`);
    this.name = 'FsError';
    this.errno = errno;
    this.code = code;
  }
}

export function isFsError(err: unknown): err is FsError {
  return err instanceof FsError;
}
