import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

dayjs.locale('zh-cn');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider locale={zhCN}>
      {/* Decisions are confirmed by a toast: long enough to read at a busy desk. */}
      <AntApp message={{ duration: 6 }}>
        <App />
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
