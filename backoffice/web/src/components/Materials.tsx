/**
 * The case's materials: scanned pages shown inline (click to enlarge), PDFs and other files
 * opened or saved on demand. Files need the Bearer token, so they are fetched and shown through
 * object URLs (the CSP allows img-src blob:), released when the page goes away.
 */
import { Button, Empty, Image, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { ReviewCaseResponse } from '../../../../shared/sync';
import { errorText, type ReviewClient } from '../api';
import { MATERIAL_STATUS_NAMES } from '../names';

type Material = ReviewCaseResponse['materials'][number];
type FileLink = Material['blobs'][number];

const STATUS_COLORS: Record<Material['status'], string> = {
  received: 'success',
  reused: 'blue',
  commitment: 'purple',
  deferred: 'warning',
};

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function PageImage({ client, file, alt }: { client: ReviewClient; file: FileLink; alt: string }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    client.blob(file.url).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        if (live) setUrl(objectUrl);
        else URL.revokeObjectURL(objectUrl);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [client, file.url]);
  if (error) return <Typography.Text type="danger">{error}</Typography.Text>;
  return (
    <Image
      src={url}
      alt={alt}
      width={160}
      height={200}
      className="page-thumb"
      data-testid="page-image"
      placeholder={<div className="page-thumb-placeholder">加载中…</div>}
      preview={{ cover: '查看大图' }}
    />
  );
}

/** Fetches the file, then opens it in a new tab or saves it. */
export function FileButtons({ client, url, fileName }: { client: ReviewClient; url: string; fileName: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (save: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const objectUrl = URL.createObjectURL(await client.blob(url));
      const a = document.createElement('a');
      a.href = objectUrl;
      if (save) a.download = fileName;
      else a.target = '_blank';
      a.rel = 'noopener';
      a.click();
      // The new tab or the download has its own reference by then.
      setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space size="small" wrap>
      <Button size="small" loading={busy} onClick={() => run(false)}>
        打开 {fileName}
      </Button>
      <Button size="small" type="link" disabled={busy} onClick={() => run(true)}>
        下载
      </Button>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Space>
  );
}

function extension(mediaType: string): string {
  if (mediaType === 'application/pdf') return 'pdf';
  const sub = mediaType.split('/')[1] ?? 'bin';
  return sub === 'jpeg' ? 'jpg' : sub.replace(/[^a-z0-9]/g, '') || 'bin';
}

export function Materials({ client, materials }: { client: ReviewClient; materials: Material[] }) {
  if (!materials.length) return <Empty description="本件未提交材料" />;
  return (
    <div data-testid="materials" className="materials">
      {materials.map((m) => (
        <section key={m.materialId} data-testid={`material-${m.materialId}`} className="material">
          <Space wrap>
            <Typography.Text strong>{m.name}</Typography.Text>
            <Tag color={STATUS_COLORS[m.status]}>{MATERIAL_STATUS_NAMES[m.status]}</Tag>
            {m.deferUntil && <Typography.Text type="warning">须于 {m.deferUntil} 前补交</Typography.Text>}
            {m.blobs.length > 0 && <Typography.Text type="secondary">共 {m.blobs.length} 个文件</Typography.Text>}
          </Space>
          {m.blobs.length > 0 && (
            <Image.PreviewGroup>
              <Space wrap size="middle" className="material-files">
                {m.blobs.map((file, i) =>
                  /^image\/(jpeg|png|webp|gif)$/.test(file.mediaType) ? (
                    <PageImage key={`${i}-${file.sha256}`} client={client} file={file} alt={`${m.name} 第 ${i + 1} 页`} />
                  ) : (
                    <Space key={`${i}-${file.sha256}`} orientation="vertical" size={0}>
                      <FileButtons client={client} url={file.url} fileName={`${m.name}-${i + 1}.${extension(file.mediaType)}`} />
                      <Typography.Text type="secondary">
                        {file.mediaType === 'application/pdf' ? 'PDF 文件' : '文件'}，{sizeText(file.size)}
                      </Typography.Text>
                    </Space>
                  ),
                )}
              </Space>
            </Image.PreviewGroup>
          )}
        </section>
      ))}
    </div>
  );
}
