/** Item-form validation: Ajv + our formats + Chinese messages, and the @rjsf glue. */
export * from './formats';
export { errorDetail, localizeFormErrors, labelled, dropNoise, isGenericFormatMessage, type ErrorLike } from './messages';
export { resolveRef, fieldLabel } from './schema-walk';
export * from './validator';
export * from './rjsf';
// Eval-free validation (jsonschema) and the optional-block pruning both validators apply.
// The @rjsf adapter, createCspSafeValidator, lives in renderer/src/forms/rjsf-validator.ts:
// it pulls in @rjsf/utils (and React), which the core and back office must not load.
export {
  interpretSchema,
  schemaHolds,
  withRootDefinitions,
  createInterpretedFormValidator,
  pruneEmptyOptional,
  type InterpretedError,
  type ConditionCheck,
} from './schema-interpreter';
