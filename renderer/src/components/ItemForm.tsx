/**
 * An item's form, rendered from its JSON Schema by @rjsf with the antd theme. Chinese messages
 * and the same format checks (公民身份号码, 统一社会信用代码, 手机号码) as the core, which
 * validates again on accept: this check is a convenience, the core's is the law. The validator
 * interprets the schema instead of compiling it, so the strict CSP (no eval) holds.
 */
import Form from '@rjsf/antd';
import type { IChangeEvent } from '@rjsf/core';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useMemo, useRef, type ReactNode } from 'react';
import { createCspSafeValidator } from '../forms/rjsf-validator';
import { translateZh } from './rjsf-zh';

// Eval-free: the CSP forbids 'unsafe-eval', which Ajv's compiled validators would need.
const validator = createCspSafeValidator();

export interface ItemFormProps {
  schema: Record<string, unknown>;
  uiSchema: Record<string, unknown>;
  formData: Record<string, unknown>;
  onChange: (data: Record<string, unknown>) => void;
  onSubmit: (data: Record<string, unknown>) => void;
  disabled?: boolean;
  /** Rendered inside the form after the fields; must contain the submit button. */
  children?: ReactNode;
}

export function ItemForm(props: ItemFormProps) {
  const formRef = useRef<{ submit(): void } | null>(null);
  const uiSchema = useMemo<UiSchema>(
    // Optional blocks (经办人, 紧急联系人 …) stay folded behind a "填写此项" button until needed.
    () => ({ ...props.uiSchema, 'ui:globalOptions': { enableOptionalDataFieldForType: ['object'], ...(props.uiSchema['ui:globalOptions'] as object | undefined) } }),
    [props.uiSchema],
  );
  return (
    <div
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          formRef.current?.submit();
        }
      }}
    >
      <Form
        ref={formRef as never}
        schema={props.schema as RJSFSchema}
        uiSchema={uiSchema}
        formData={props.formData}
        validator={validator}
        showErrorList="top"
        focusOnFirstError
        noHtml5Validate
        translateString={translateZh}
        disabled={props.disabled}
        onChange={(e: IChangeEvent) => props.onChange((e.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(e: IChangeEvent) => props.onSubmit((e.formData ?? {}) as Record<string, unknown>)}
      >
        {props.children}
      </Form>
    </div>
  );
}
