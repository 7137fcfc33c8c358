import { Button, Dropdown } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n/I18nProvider';
import type { Lang } from '../i18n/messages';

/** Names of the languages, each in itself: the same in every bundle. */
const LANGS: { key: Lang; label: string }[] = [
  { key: 'zh', label: '简体中文' },
  { key: 'en', label: 'English' },
];

export function LanguageSwitch({ type = 'text' }: { type?: 'text' | 'default' }) {
  const { lang, setLang, t } = useI18n();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [lang],
        items: LANGS.map((l) => ({ key: l.key, label: <span data-testid={`lang-${l.key}`}>{l.label}</span> })),
        onClick: ({ key }) => setLang(key as Lang),
      }}
    >
      <Button type={type} icon={<GlobalOutlined />} aria-label={t('lang.label')} data-testid="lang-switch">
        {LANGS.find((l) => l.key === lang)?.label}
      </Button>
    </Dropdown>
  );
}
