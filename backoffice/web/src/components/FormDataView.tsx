/**
 * The applicant's form data, readable: nested objects become labelled description lists,
 * lists of objects become numbered blocks, option values show their titles. Labels come from
 * the item's form schema when it is known (see form-schema.ts), otherwise the field keys.
 * Personal ID numbers and mobile numbers (schema format id-card / mobile, or keys named like
 * idNumber / mobile) are masked unless the reviewer chose to show them.
 */
import { Descriptions, Empty, Typography } from 'antd';
import type { ReactNode } from 'react';
import { maskIdNumber } from '../../../../shared/validators/id-card';
import { childSchema, itemSchema, optionTitle, orderedKeys } from '../form-schema';
import { maskMobile } from '../names';

type Json = Record<string, unknown>;

interface Props {
  data: Json;
  schema?: Json;
  revealIds: boolean;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function isIdField(key: string, schema: Json | undefined): boolean {
  return schema?.format === 'id-card' || /idNumber$|^idNo$|idCard/i.test(key);
}

function isMobileField(key: string, schema: Json | undefined): boolean {
  return schema?.format === 'mobile' || /mobile$/i.test(key);
}

function scalar(value: unknown, key: string, schema: Json | undefined, revealIds: boolean): ReactNode {
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value === null || value === undefined || value === '') return <Typography.Text type="secondary">（未填写）</Typography.Text>;
  const titled = optionTitle(schema, value);
  if (titled) return titled;
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  if (!revealIds && typeof value === 'string' && isIdField(key, schema)) return maskIdNumber(value);
  if (!revealIds && typeof value === 'string' && isMobileField(key, schema)) return maskMobile(value);
  return text;
}

function Value({ value, keyName, schema, root, revealIds, depth }: { value: unknown; keyName: string; schema?: Json; root?: Json; revealIds: boolean; depth: number }) {
  if (isObject(value)) return <ObjectView data={value} schema={schema} root={root} revealIds={revealIds} depth={depth + 1} />;
  if (Array.isArray(value)) {
    const items = itemSchema(root, schema);
    if (value.every((v) => !isObject(v) && !Array.isArray(v))) {
      return <>{value.map((v) => scalar(v, keyName, items, revealIds)).join('、') || '（无）'}</>;
    }
    const itemTitle = typeof items?.title === 'string' ? items.title : undefined;
    return (
      <div className="form-list">
        {value.map((v, i) => (
          <div key={i} className="form-list-item">
            <Typography.Text strong>{itemTitle ? `${itemTitle} ${i + 1}` : `第 ${i + 1} 项`}</Typography.Text>
            <Value value={v} keyName={keyName} schema={items} root={root} revealIds={revealIds} depth={depth} />
          </div>
        ))}
      </div>
    );
  }
  return <>{scalar(value, keyName, schema, revealIds)}</>;
}

function ObjectView({ data, schema, root, revealIds, depth }: { data: Json; schema?: Json; root?: Json; revealIds: boolean; depth: number }) {
  const keys = orderedKeys(root, schema, data);
  if (!keys.length) return <Typography.Text type="secondary">（无）</Typography.Text>;
  return (
    <Descriptions
      size="small"
      bordered
      column={1}
      className={depth > 0 ? 'form-nested' : undefined}
      items={keys.map((key) => {
        const child = childSchema(root, schema, key);
        const title = typeof child?.title === 'string' ? child.title : undefined;
        return {
          key,
          label: title ? <span title={key}>{title}</span> : <Typography.Text code>{key}</Typography.Text>,
          children: isEmpty(data[key]) ? (
            <Typography.Text type="secondary">（未填写）</Typography.Text>
          ) : (
            <Value value={data[key]} keyName={key} schema={child} root={root} revealIds={revealIds} depth={depth} />
          ),
        };
      })}
    />
  );
}

export function FormDataView({ data, schema, revealIds }: Props) {
  if (!Object.keys(data).length) return <Empty description="申请表无填写内容" />;
  return (
    <div data-testid="form-data">
      <ObjectView data={data} schema={schema} root={schema} revealIds={revealIds} depth={0} />
    </div>
  );
}
