import type { ReactNode } from 'react';
import { Breadcrumb, Flex, Typography } from 'antd';

/** The title block every page starts with: breadcrumb, title, one-line purpose, actions. */
export function PageHeader({ path, title, subtitle, extra }: { path: string[]; title: string; subtitle?: ReactNode; extra?: ReactNode }) {
  return (
    <div className="page-header">
      <Breadcrumb items={path.map((p) => ({ title: p }))} />
      <Flex justify="space-between" align="center" gap={16} wrap style={{ marginTop: 8 }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {subtitle && (
            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 4 }}>
              {subtitle}
            </Typography.Text>
          )}
        </div>
        {extra && <Flex gap={8}>{extra}</Flex>}
      </Flex>
    </div>
  );
}
