/** The error Apollo Server answers for an operation that fails validation against the API schema. */
export const validationError = (message: string, line: number, column: number) => ({
  message,
  locations: [{ line, column }],
  extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
});

/** The error Apollo Server answers for a variable value the schema does not accept. */
export const badUserInput = (message: string, line: number, column: number) => ({
  message,
  locations: [{ line, column }],
  extensions: { code: 'BAD_USER_INPUT' },
});
