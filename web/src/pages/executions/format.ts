// Durations and clock times as the execution pages show them (pure).
import type { Translate } from '../../i18n/messages';

/** 25分钟, 1小时5分钟, 45秒 / 25 min, 1 h 5 min, 45 s. */
export function duration(seconds: number, t: Translate): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return m > 0 ? t('exe.dur.hm', { h, m }) : t('exe.dur.h', { h });
  if (m > 0) return sec > 0 && m < 10 ? t('exe.dur.ms', { m, s: sec }) : t('exe.dur.m', { m });
  return t('exe.dur.s', { s: sec });
}

/** HH:mm:ss in local time. */
export function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** 1.2GB-style memory from MiB. */
export function memory(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)}GB` : `${mib.toFixed(0)}MB`;
}

/** A number with at most `digits` decimals, no trailing zeros. */
export function fixed(v: number, digits = 1): string {
  return String(Math.round(v * 10 ** digits) / 10 ** digits);
}
