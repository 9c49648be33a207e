/** Admins' settings page: the effective configuration, where each value comes from, and edits to the editable ones. */
import { Alert, App, Button, Card, Input, Space, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract/channels';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';
import { CameraCheck } from '../components/CameraCheck';

type Entry = ChannelOutput<'settings.get'>[number];

const SOURCE_NAMES: Record<Entry['source'], string> = {
  flag: '命令行参数',
  env: '环境变量',
  file: '系统配置文件',
  settings: '设置页面',
  default: '默认值',
};

function EditableValue({ entry, onSaved }: { entry: Entry; onSaved: (e: Entry[]) => void }) {
  const [value, setValue] = useState(String(entry.value));
  const { message } = App.useApp();
  const save = async () => {
    try {
      const raw = typeof entry.value === 'number' ? Number(value) : value;
      onSaved(await api.call('settings.update', { key: entry.key, value: raw }));
      message.success(`已保存：${entry.label}`);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };
  return (
    <Space.Compact>
      <Input value={value} onChange={(e) => setValue(e.target.value)} onPressEnter={save} style={{ width: 260 }} />
      <Button onClick={save}>保存</Button>
    </Space.Compact>
  );
}

export function SettingsPage() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.call('settings.get', {}).then(setEntries, (err) => setError(errorMessage(err)));
  }, []);
  return (
    <Card size="small" title="设置">
      {error && <Alert type="error" message={error} />}
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        message="优先级：命令行参数 > 环境变量 > 系统配置文件 > 设置页面 > 默认值。由更高优先级来源设定的项目须在该处修改。"
      />
      <Table<Entry>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={entries}
        columns={[
          { title: '项目', dataIndex: 'label', width: 180 },
          {
            title: '当前值',
            render: (_v, e) => (e.editable ? <EditableValue key={`${e.key}:${String(e.value)}`} entry={e} onSaved={setEntries} /> : String(e.value)),
          },
          { title: '来源', dataIndex: 'source', width: 120, render: (s: Entry['source']) => <Tag>{SOURCE_NAMES[s]}</Tag> },
          { title: '说明', dataIndex: 'description' },
        ]}
      />
      <CameraCheck />
    </Card>
  );
}
