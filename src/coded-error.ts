// The base of each domain's error class (GraphError, IngestError, VerifyError, BomError, GateError, ApiError): a message for
// people and a code from the domain's own list for programs, so every error mapper can switch on `code`.
export class CodedError<Code extends string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
