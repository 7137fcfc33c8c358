// ReleasePicker: a select of releases that asks the server as one types
// (/api/release-table?q=…), so it stays one small request with 10,000
// releases. It lists the newest 50 matching; the chosen one stays shown.
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { fetchReleaseTable, releaseTableKey, type ReleaseTableQuery } from './queries';

const PICK_LIMIT = 50;
const TYPING_MS = 250;

export interface ReleasePickerProps {
  value?: string;
  onChange: (name: string | undefined) => void;
  /** The states offered (NEW for never executed); all when absent. */
  states?: string[];
  placeholder: string;
  allowClear?: boolean;
  style?: CSSProperties;
  'data-testid'?: string;
}

export function ReleasePicker({ value, onChange, states, placeholder, allowClear, style, ...rest }: ReleasePickerProps) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), TYPING_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  const query: ReleaseTableQuery = { q, states, offset: 0, limit: PICK_LIMIT };
  const found = useQuery({ queryKey: releaseTableKey(query), queryFn: () => fetchReleaseTable(query), placeholderData: keepPreviousData });
  const options = useMemo(() => {
    const names = (found.data?.items ?? []).map((r) => r.name);
    if (value && !names.includes(value)) names.unshift(value);
    return names.map((n) => ({ value: n, label: n }));
  }, [found.data, value]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setTyped }}
      allowClear={allowClear}
      placeholder={placeholder}
      value={value}
      onChange={(v?: string) => {
        setTyped('');
        onChange(v);
      }}
      options={options}
      loading={found.isFetching}
      style={style}
      data-testid={rest['data-testid']}
    />
  );
}
