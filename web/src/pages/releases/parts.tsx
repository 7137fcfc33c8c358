// Small pieces the release pages share: labels with a "?" hint, state and
// type tags, version tags, and rule text with the version routes highlighted.
import type { ReactNode } from 'react';
import { Space, Tag, Tooltip } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import type { ReleaseState, ReleaseType, ServiceVersions } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { chainOf, highlightRule, versionMap, type Chain } from './highlight';

/** A label with a "?" whose tooltip explains it (the seed's hints). */
export function Hint({ label, hint, testId }: { label: ReactNode; hint: string; testId?: string }) {
  return (
    <Space size={4}>
      <span>{label}</span>
      <Tooltip title={hint}>
        <QuestionCircleOutlined className="hint-icon" aria-label={hint} data-testid={testId} />
      </Tooltip>
    </Space>
  );
}

const stateColor: Record<string, string> = {
  NEW: 'default',
  FALLBACK: 'green',
  RELEASED: 'blue',
  ROLLED_BACK: 'orange',
  ENDED: 'purple',
};

export function StateTag({ state, large }: { state: ReleaseState; large?: boolean }) {
  const { t } = useI18n();
  const key = state || 'NEW';
  return (
    <Tag color={stateColor[key]} className={large ? 'state-tag-large' : undefined} data-testid="release-state-tag">
      {t(`release.state.${key}`)}
    </Tag>
  );
}

const typeColor: Record<ReleaseType, string> = { BLUE_GREEN: 'geekblue', GRAY: 'cyan', MIXED: 'magenta' };

export function TypeTag({ type }: { type: ReleaseType }) {
  const { t } = useI18n();
  return (
    <Tag color={typeColor[type]} variant="outlined">
      {t(`release.type.${type}`)}
    </Tag>
  );
}

export const chainColor: Record<Chain, string> = { old: 'green', new: 'blue', mixed: 'gold' };

/** A service's versions as the seed shows them (1.0;1.1), the old one green and the new ones blue. */
export function VersionTags({ sv }: { sv: ServiceVersions }) {
  const { t } = useI18n();
  if (sv.versions.length === 0) {
    return <Tag color="red">{t('release.noInstance')}</Tag>;
  }
  const news = sv.new.split(';');
  return (
    <Space size={4} wrap>
      {sv.versions.map((v) => {
        const only = sv.versions.length === 1;
        const isNew = !only && news.includes(v) && v !== sv.old;
        const label = only ? t('release.onlyVersion') : isNew ? t('release.new') : v === sv.old ? t('release.old') : '';
        return (
          <Tag key={v} color={only ? 'default' : isNew ? 'blue' : 'green'} style={{ marginInlineEnd: 0 }}>
            {v}
            {label && <span className="version-role"> · {label}</span>}
          </Tag>
        );
      })}
    </Space>
  );
}

/**
 * Rule or document text with line numbers. With `highlight`, the route
 * lines and the default version line are marked, each route coloured by
 * the chain it pins (old green, new blue) and the versions in bold.
 */
export function CodeBlock({
  text,
  highlight,
  versions = [],
  maxHeight = 360,
  testId,
}: {
  text: string;
  highlight?: boolean;
  versions?: ServiceVersions[];
  maxHeight?: number;
  testId?: string;
}) {
  const lines = highlightRule(text);
  return (
    <pre className="code-block" style={{ maxHeight }} data-testid={testId}>
      {lines.map((line) => {
        const marked = highlight && line.kind;
        const chain = marked ? chainOf(versionMap(routeValue(line.text)), versions) : undefined;
        const cls = marked ? `code-line code-line-${line.kind} code-chain-${chain}` : 'code-line';
        return (
          <div key={line.number} className={cls} data-kind={marked ? line.kind : undefined} data-chain={chain}>
            <span className="code-number">{line.number}</span>
            <span className="code-text">
              {marked
                ? line.segments.map((s, i) =>
                    s.version ? (
                      <b key={i} className="code-version">
                        {s.text}
                      </b>
                    ) : (
                      <span key={i}>{s.text}</span>
                    ),
                  )
                : line.text || ' '}
            </span>
          </div>
        );
      })}
    </pre>
  );
}

/** The text between a line's first '>' and the next '<': a route's or version's value. */
function routeValue(line: string): string {
  const m = />([^<]+)</.exec(line);
  return m ? m[1] : '';
}
