/**
 * An item's form, rendered from its JSON Schema by @rjsf with the antd theme. Chinese messages
 * and the same format checks (公民身份号码, 统一社会信用代码, 手机号码) as the core, which
 * validates again on accept: this check is a convenience, the core's is the law.
 */
import Form from '@rjsf/antd';
import type { IChangeEvent } from '@rjsf/core';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import localizeZh from 'ajv-i18n/localize/zh';
import { useMemo, useRef, type ReactNode } from 'react';
import { customFormats, transformRjsfErrors } from '../../../shared/forms';

const validator = customizeValidator({ customFormats, ajvOptionsOverrides: { strict: false } }, localizeZh);

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
    () => ({ ...props.uiSchema }),
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
        transformErrors={transformRjsfErrors as never}
        showErrorList="top"
        focusOnFirstError
        noHtml5Validate
        disabled={props.disabled}
        onChange={(e: IChangeEvent) => props.onChange((e.formData ?? {}) as Record<string, unknown>)}
        onSubmit={(e: IChangeEvent) => props.onSubmit((e.formData ?? {}) as Record<string, unknown>)}
      >
        {props.children}
      </Form>
    </div>
  );
}
