/** Admins manage local accounts: add, reset a password (one-time), lock and unlock. */
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ROLE_NAMES, ROLES, type Role } from '../../../shared/auth/roles';
import type { ChannelOutput } from '../../../shared/contract/channels';
import { api } from '../api/client';
import { errorMessage } from '../api/hooks';

type User = ChannelOutput<'users.list'>[number];

export function UsersPage() {
  const [users, setUsers] = useState<User[]>([]);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string>();
  const { modal, message } = App.useApp();
  const load = useCallback(() => api.call('users.list', {}).then(setUsers, (err) => setError(errorMessage(err))), []);
  useEffect(() => void load(), [load]);

  const showPassword = (username: string, password: string) =>
    modal.info({ title: `${username} 的一次性密码`, content: <p>一次性密码：<b>{password}</b>（仅显示一次，首次登录须修改）</p> });

  const add = async (values: { username: string; displayName: string; role: Role }) => {
    try {
      const r = await api.call('users.add', values);
      setAdding(false);
      showPassword(r.user.username, r.oneTimePassword);
      void load();
    } catch (err) {
      message.error(errorMessage(err));
    }
  };
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      void load();
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  return (
    <Card size="small" title="用户" extra={<Button type="primary" onClick={() => setAdding(true)}>新增用户</Button>}>
      {error && <Alert type="error" message={error} />}
      <Table<User>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={users}
        columns={[
          { title: '用户名', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'displayName' },
          { title: '角色', dataIndex: 'role', render: (r: Role) => ROLE_NAMES[r] },
          { title: '状态', render: (_v, u) => (u.locked ? <Tag color="red">已锁定</Tag> : u.mustChangePassword ? <Tag color="orange">待改密</Tag> : <Tag color="green">正常</Tag>) },
          {
            title: '操作',
            render: (_v, u) => (
              <Space>
                <a onClick={() => act(async () => showPassword(u.username, (await api.call('users.resetPassword', { username: u.username })).oneTimePassword))}>重置密码</a>
                <a onClick={() => act(() => api.call('users.setLocked', { username: u.username, locked: !u.locked }))}>{u.locked ? '解锁' : '停用'}</a>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={adding} title="新增用户" footer={null} onCancel={() => setAdding(false)} destroyOnHidden>
        <Form layout="vertical" onFinish={add} initialValues={{ role: 'clerk' }}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, pattern: /^[a-z][a-z0-9_.-]{2,31}$/, message: '3–32 位小写字母、数字、点、下划线或连字符，以字母开头' }]}>
            <Input autoFocus />
          </Form.Item>
          <Form.Item label="姓名" name="displayName" rules={[{ required: true, message: '请输入姓名' }]}>
            <Input />
          </Form.Item>
          <Form.Item label="角色" name="role">
            <Select options={ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block>
            创建
          </Button>
        </Form>
      </Modal>
    </Card>
  );
}
