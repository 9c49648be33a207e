/** Item-form validation: Ajv + our formats + Chinese messages, and the @rjsf glue. */
export * from './formats';
export { errorDetail, localizeFormErrors, labelled, dropNoise, isGenericFormatMessage, type ErrorLike } from './messages';
export { resolveRef, fieldLabel } from './schema-walk';
export * from './validator';
export * from './rjsf';
