// 执行日志: the log, live, newest at the bottom. It follows new lines while
// the user is at the bottom; scrolled up it stays where it is (and says so)
// until the user comes back down or presses 跟随最新.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Button, Typography } from 'antd';
import { VerticalAlignBottomOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import type { LogLine } from './model';
import { clock } from './format';
import { Panel } from './parts';

/** Within this many pixels of the bottom counts as at the bottom. */
const SLACK = 24;

export function LogPanel({ logs }: { logs: LogLine[] }) {
  const { t, dateTime } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const followingRef = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && followingRef.current) el.scrollTop = el.scrollHeight;
  }, [logs]);

  useEffect(() => {
    followingRef.current = following;
  }, [following]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= SLACK;
    if (atBottom !== followingRef.current) {
      followingRef.current = atBottom;
      setFollowing(atBottom);
    }
  };

  const follow = () => {
    followingRef.current = true;
    setFollowing(true);
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  };

  return (
    <Panel
      title={t('exe.logs')}
      testId="execution-logs"
      extra={
        <span>
          {!following && (
            <Button size="small" type="link" icon={<VerticalAlignBottomOutlined />} onClick={follow} data-testid="execution-logs-follow">
              {t('exe.logs.follow')}
            </Button>
          )}
          <Typography.Text type="secondary">{t('exe.logs.count', { count: logs.length })}</Typography.Text>
        </span>
      }
    >
      {!following && (
        <Typography.Text type="warning" className="exe-logs-paused" data-testid="execution-logs-paused">
          {t('exe.logs.paused')}
        </Typography.Text>
      )}
      <div ref={box} className="exe-logs" onScroll={onScroll} data-testid="execution-log-box" data-following={following}>
        {logs.length === 0 && <Typography.Text type="secondary">{t('exe.logs.empty')}</Typography.Text>}
        {logs.map((l, i) => (
          <div key={i} className={`exe-log exe-log-${l.level}`} data-testid="execution-log">
            <span className="exe-log-time" title={dateTime(l.time)}>
              [{clock(l.time)}]
            </span>{' '}
            {l.message}
          </div>
        ))}
      </div>
    </Panel>
  );
}
